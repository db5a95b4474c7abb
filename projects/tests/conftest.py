import pytest

from projects.tests.factories import UserFactory


@pytest.fixture
def manager_client(client):
    """A logged-in client of a new user (who becomes the manager of the projects made with them)."""
    user = UserFactory()
    client.force_login(user)
    client.user = user
    return client
