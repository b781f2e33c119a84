"""Access cases for the accounts routes: login, invitations, password reset, profile, people."""

from academy.accounts import services
from tests.access import Case, coordinator_only, everyone, signed_in
from tests.factories import PASSWORD

NEW_PASSWORD = "a brand new passphrase"
SET_PASSWORD = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
PERSON = {"email": "renamed@example.org", "name": "Renamed Person", "title": "", "locale": "fi"}


def setup(world, make) -> None:
    """An invited person who has not accepted yet, and live invitation and reset links."""
    invitee = services.invite(
        world.coordinator, email="invitee@example.org", name="Ilona Kutsuttu", locale="en"
    )
    world.invitee_id = invitee.id
    world.invitation_token = services.invitation_token(services.latest_invitation(invitee))
    world.reset_token = services.password_reset_token(world.participant)


CASES = [
    # Signing in and out
    Case("GET", "/login", everyone(302, anonymous=200)),
    Case(
        "POST",
        "/login",
        everyone(302, anonymous=200),
        data={"email": "nobody@example.org", "password": "wrong"},
    ),
    Case("POST", "/logout", everyone(302)),
    # Invitations: the link is the credential, whoever holds it
    Case("GET", "/invitations/{invitation_token}", everyone(200)),
    Case("POST", "/invitations/{invitation_token}", everyone(302), data=SET_PASSWORD),
    Case("GET", "/invitations/not-a-real-token", everyone(404)),
    # Password reset
    Case("GET", "/password/forgot", everyone(200)),
    Case("POST", "/password/forgot", everyone(302), data={"email": "nobody@example.org"}),
    Case("GET", "/password/reset/{reset_token}", everyone(200)),
    Case("POST", "/password/reset/{reset_token}", everyone(302), data=SET_PASSWORD),
    Case("GET", "/password/reset/not-a-real-token", everyone(404)),
    # Own profile
    Case("GET", "/profile", signed_in()),
    Case(
        "POST",
        "/profile",
        signed_in(302),
        data={"name": "New Name", "title": "hankintajohtaja", "locale": "sv"},
    ),
    Case(
        "POST",
        "/profile/password",
        signed_in(302),
        data={"current_password": PASSWORD, **SET_PASSWORD},
    ),
    # People (coordinators only)
    Case("GET", "/people", coordinator_only()),
    Case("GET", "/people?q=testinen&page=1", coordinator_only()),
    Case("GET", "/people/invite", coordinator_only()),
    Case(
        "POST",
        "/people/invite",
        coordinator_only(302),
        data={"email": "new.person@example.org", "name": "Uusi Henkilö", "locale": "fi"},
    ),
    Case("GET", "/people/{participant_id}", coordinator_only()),
    Case("GET", "/people/987654", {"anonymous": 302}),
    Case("GET", "/people/{participant_id}/edit", coordinator_only()),
    Case("POST", "/people/{participant_id}/edit", coordinator_only(302), data=PERSON),
    Case("POST", "/people/{participant_id}/deactivate", coordinator_only(302)),
    Case("POST", "/people/{participant_id}/reactivate", coordinator_only(302)),
    Case("POST", "/people/{invitee_id}/resend-invitation", coordinator_only(302)),
]
