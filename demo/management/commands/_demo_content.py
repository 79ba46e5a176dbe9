"""The demo blog's text: invented people, a brand that does not exist, our own words.

`days` places a post relative to today (negative: in the past; positive:
scheduled). `hours` places a comment after its post's publication.
"""

AUTHOR = {
    "email": "claire@example.com",
    "display_name": "Claire Martel",
    "bio": "Consultante en relation client, elle écrit ici sur les marques qui savent répondre.",
}
CO_AUTHOR = {
    "email": "julien.caron@example.com",
    "display_name": "Julien Caron",
    "bio": "Vidéaste, il coécrit ici les articles filmés.",
}
# Staff who moderate comments without having written the posts: they answer without a badge.
MODERATOR = {
    "email": "ines.moreau@example.com",
    "display_name": "Inès Moreau",
    "bio": "Modératrice du blog.",
}
BRAND_REPRESENTATIVE = {
    "email": "lea.fournier@verdane.example",
    "display_name": "Léa Fournier",
    "bio": "Responsable des réseaux sociaux chez Maison Verdane.",
}
BRAND = {
    "name": "Maison Verdane",
    "slug": "maison-verdane",
    "website": "https://verdane.example",
    "email_domains": "verdane.example",
    "keywords": "Maison Verdane\nVerdane",
    "role": "Responsable des réseaux sociaux",
}

POSTS = [
    {
        "slug": "repondre-a-un-client-mecontent-en-public",
        "title": "Répondre à un client mécontent en public : cinq règles simples",
        "days": -12,
        "lead": "Un avis négatif sous vos yeux et sous ceux de tous vos lecteurs : la pire des situations, "
        "ou la meilleure occasion de montrer comment vous traitez vos clients.",
        "cover_alt": "Des cercles clairs sur un fond dégradé.",
        "body": """
<p>Tout community manager connaît ce moment : un client écrit, en public, que sa commande n'est jamais
arrivée. Les lecteurs regardent. Ce que vous répondez dans l'heure compte plus que votre dernière campagne.</p>
<h2>1. Répondre vite, même pour dire que vous cherchez</h2>
<p>Un « nous regardons tout de suite » vaut mieux qu'une réponse parfaite le lendemain.</p>
<h2>2. Signer de votre nom</h2>
<p>Une marque qui répond avec un prénom redevient une équipe de personnes.</p>
<h2>3. Passer en privé pour les détails, revenir en public pour la fin</h2>
<p>Le numéro de commande n'a rien à faire dans un fil public ; la résolution, si.</p>
<h2>4. Ne jamais couper un avis</h2>
<p>Publier un avis tronqué, c'est dire à tous que vous trichez. Publiez-le entier, ou expliquez pourquoi non.</p>
<h2>5. Remercier</h2>
<p>Le client qui se plaint en public vous donne une chance de réparer devant témoins.</p>
<script>alert("ce script est retiré par le nettoyage")</script>
""",
        "comments": [
            {
                "name": "Julien R.",
                "email": "julien@example.org",
                "hours": 3,
                "body": "Très juste sur la signature. Je réponds toujours avec mon prénom, "
                "et le ton des échanges change complètement.",
            },
            {
                "name": "Sofiane",
                "email": "sofiane@example.net",
                "hours": 5,
                "body": "Et quand le client a tort ? On lui dit en public ?",
                "replies": [
                    {
                        "as": "author",
                        "hours": 7,
                        "body": "On lui explique, poliment, avec les faits. Les autres lecteurs jugent "
                        "sur le ton autant que sur le fond.",
                    },
                ],
            },
            {
                "name": "Manon D.",
                "email": "manon@example.com",
                "hours": 20,
                "body": "J'ai commandé chez Maison Verdane il y a trois semaines, toujours rien, "
                "et mon avis sur leur site a été publié coupé. Bravo la transparence.",
                "replies": [
                    {
                        "as": "brand",
                        "hours": 22,
                        "body": "Bonjour Manon, je suis désolée pour cette attente. Je vous écris en privé "
                        "pour retrouver votre commande. Sur notre site, les avis sont publiés après un délai "
                        "de 48 heures, et jamais coupés : je vérifie ce qui s'est passé avec le vôtre.",
                        "replies": [
                            {
                                "name": "Manon D.",
                                "email": "manon@example.com",
                                "hours": 50,
                                "body": "Colis reçu ce matin et avis en ligne en entier. Problème réglé, merci Léa.",
                            },
                        ],
                    },
                ],
            },
            {
                "name": "Bastien",
                "email": "bastien@example.org",
                "hours": 30,
                "body": "(commentaire volontairement taquin) Cinq règles ? Moi j'en ai une seule : "
                "ne jamais rien vendre, comme ça personne ne se plaint.",
            },
            {
                "name": "Promo Express",
                "email": "promo@example.biz",
                "hours": 31,
                "status": "held",
                "reasons": [{"code": "links", "count": 4, "word": ""}],
                "body": "Meilleurs prix ici http://promo.example.biz http://promo.example.biz/a "
                "http://promo.example.biz/b http://promo.example.biz/c",
            },
            {
                "name": "Élodie",
                "email": "elodie@example.fr",
                "hours": 12 * 24 - 6,
                "status": "pending",
                "reasons": [{"code": "delay", "count": 0, "word": ""}],
                "body": "Je découvre ce blog, merci pour ces conseils. Une question : "
                "combien de temps attendre avant de relancer un client en privé ?",
            },
        ],
    },
    {
        "slug": "pourquoi-un-delai-de-48-heures",
        "title": "Pourquoi nos commentaires attendent 48 heures",
        "days": -6,
        "lead": "Publier tout de suite, c'est laisser passer le pire ; tout relire à la main, c'est "
        "ne plus dormir. Le délai de publication est un compromis que nous assumons.",
        "cover_alt": "Un dégradé chaud traversé d'anneaux.",
        "body": """
<p>Sur ce blog, un commentaire n'est pas publié à l'instant où vous l'envoyez. Vous le voyez aussitôt,
marqué « en attente de modération » ; les autres lecteurs le verront 48 heures plus tard, sauf si
je le publie plus tôt ou si je le refuse.</p>
<h2>Ce que le délai permet</h2>
<ul>
<li>relire à tête reposée ce qui fâche ;</li>
<li>laisser le temps à une marque de répondre en même temps que la critique paraît ;</li>
<li>arrêter les robots, qui n'attendent pas.</li>
</ul>
<h2>Ce que nous ne faisons jamais</h2>
<p>Couper un commentaire. Un commentaire est publié entier, ou pas du tout. Si une modification
est nécessaire, la page le dit.</p>
""",
        "comments": [
            {
                "name": "Karim",
                "email": "karim@example.net",
                "hours": 2,
                "body": "48 heures, c'est long pour une conversation. Pourquoi pas 24 ?",
                "replies": [
                    {
                        "as": "author",
                        "hours": 4,
                        "body": "C'est un réglage : 48 heures couvrent un week-end de relecture. "
                        "Et les réponses de l'auteur et des marques vérifiées sont publiées tout de suite.",
                    },
                ],
            },
            {
                "name": "Anne-Laure",
                "email": "al@example.org",
                "hours": 26,
                "body": "J'aime bien l'idée que la page dise quand un commentaire a été modifié. "
                "C'est rare.\nEt c'est la seule façon de garder la confiance.",
            },
        ],
    },
    {
        "slug": "une-video-six-lecons",
        "title": "Une vidéo, six leçons sur les communautés de marque",
        "days": -2,
        "co_authors": ["co_author"],
        "lead": "Un entretien filmé en six parties, et ce qu'il faut en retenir quand on anime "
        "la communauté d'une marque.",
        "cover_alt": "Des cercles bleus sur un fond clair.",
        "body": """
<p>Voici la première partie de l'entretien. Les points à retenir suivent.</p>
<iframe src="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ" title="Entretien, partie 1" allowfullscreen></iframe>
<ol>
<li>Écouter avant de publier.</li>
<li>Répondre à chacun, même brièvement.</li>
<li>Accepter la critique en public.</li>
<li>Passer en privé pour ce qui est personnel.</li>
<li>Revenir conclure en public.</li>
<li>Ne jamais effacer une critique honnête.</li>
</ol>
<iframe src="https://tracker.example.com/embed/1" title="Retiré : hors de la liste des vidéos permises"></iframe>
""",
        "comments": [
            {
                "name": "Thomas",
                "email": "thomas@example.com",
                "hours": 1,
                "body": "Le point 6 devrait être le premier. Merci pour le résumé, voir aussi https://example.org/notes",
                "replies": [
                    {
                        "as": "co_author",
                        "hours": 3,
                        "body": "Nous en avons discuté au montage : il vient en dernier "
                        "parce qu'il résume les cinq autres.",
                    },
                    {
                        "as": "moderator",
                        "hours": 5,
                        "body": "J'ai vérifié le lien vers les notes : il mène bien à une page sans publicité.",
                    },
                ],
            },
        ],
    },
    {
        "slug": "ce-que-les-chiffres-ne-disent-pas",
        "title": "Ce que les chiffres d'engagement ne disent pas",
        "days": 3,
        "lead": "Un article programmé : il paraîtra dans trois jours.",
        "body": "<p>Les mentions « j'aime » ne répondent à personne.</p>",
    },
    {
        "slug": "brouillon-moderation-des-avis",
        "title": "Brouillon : la modération des avis clients",
        "days": -1,
        "status": "draft",
        "lead": "Un brouillon, visible seulement dans l'administration.",
        "body": "<p>À écrire.</p>",
    },
]
