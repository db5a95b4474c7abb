class UserFacingError(Exception):
    """An error whose message is written for the user and shown as it is."""
