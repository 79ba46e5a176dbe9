"""Who reports a comment: an identity that costs something to multiply, never a browser session."""

from dataclasses import dataclass

from core.client import address_block, block_key, block_label, client_ip


@dataclass(frozen=True)
class Reporter:
    """Who reports a comment, as an identity that costs something to multiply.

    `key` is the account ("user:<id>"), or else the address block
    ("net:<digest>"): a new browser session is free, a new account or a new
    block of addresses is not. `network` is the block's digest for every
    report, an account's included, so reports from one block count once.
    """

    key: str
    network: str
    network_label: str
    user: object = None


def reporter_of(request):
    block = address_block(client_ip(request))
    network = block_key(block)
    user = request.user if request.user.is_authenticated else None
    key = f"user:{user.pk}" if user is not None else f"net:{network or 'unknown'}"
    return Reporter(key=key, network=network, network_label=block_label(block), user=user)
