import pytest

from tests.blog.factories import make_post


@pytest.mark.django_db
def test_home_page_lists_a_published_post(client):
    post = make_post(title="Bonjour")
    response = client.get("/")
    assert response.status_code == 200
    assert post.title in response.text
