"""Readers' text is never cut: its length limits are checked by the server, never by the browser.

Django draws a field's max_length as a `maxlength` attribute, and browsers
then drop, without a word, whatever a reader pastes beyond it: the end of a
long comment would vanish before it is sent. Forms that take readers' text
inherit WholeTextMixin instead: no `maxlength` is drawn, the whole text is
sent, and the form refuses a text that is too long with a message that says
how long it is and what the limit is, the text kept in the field to shorten.
"""


class WholeTextMixin:
    """A form that draws no maxlength attribute: its fields' max_length is checked on the server only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)
