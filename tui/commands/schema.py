import json


def run(args) -> int:
    from tui.model.schema import profile_schema

    print(json.dumps(profile_schema(), indent=2))
    return 0
