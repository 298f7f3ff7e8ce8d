from django.core.management import call_command
from django.urls import reverse


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    parts = [p.strip().split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def test_pages_carry_a_strict_content_security_policy(world, login):
    response = login(world.anna).get(reverse("core:overview"))
    csp = directives(response)
    assert csp["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in " ".join(csp["style-src"] + csp["script-src"])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]


def test_pages_cannot_be_framed_or_sniffed(world, client):
    response = client.get(reverse("login"))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts(world, login):
    client = login(world.ingrid)
    for name in ["core:overview", "geo:areas", "geo:place_create", "geo:import", "core:account"]:
        body = client.get(reverse(name)).content.decode()
        for chunk in body.split("<script")[1:]:
            tag = chunk.split(">", 1)[0]
            assert "src=" in tag or 'type="application/json"' in tag, (name, tag)


def test_forms_require_a_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.anna)
    response = client.post(reverse("core:account"), {"language": "en"})
    assert response.status_code == 403


def test_user_text_is_escaped(world, login):
    world.alvsjo_centrum.name = "<script>alert(1)</script>"
    world.alvsjo_centrum.save()
    body = login(world.anna).get(reverse("geo:place", args=[world.alvsjo_centrum.pk])).content
    assert b"<script>alert(1)</script>" not in body


def test_migrations_are_complete(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
