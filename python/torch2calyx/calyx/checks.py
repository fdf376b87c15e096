"""Well-formedness checks (placeholder replaced below)."""


def check_program(program) -> None:
    return None
