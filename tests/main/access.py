from tests.access import Case, everyone, signed_in

CASES = [
    Case("GET", "/", signed_in()),
    Case("GET", "/accessibility", everyone()),
    Case("GET", "/privacy", everyone()),
    Case("GET", "/healthz", everyone()),
    Case("POST", "/language", everyone(302), data={"locale": "sv"}),
]
