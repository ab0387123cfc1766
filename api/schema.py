"""What drf-spectacular's schema does not say by itself (POSTPROCESSING_HOOKS): the error
body every operation may answer with (api.errors), under the statuses it answers with."""

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {
                    "type": "object",
                    "description": "The same message in Indonesian and English.",
                    "required": ["id", "en"],
                    "properties": {"id": {"type": "string"}, "en": {"type": "string"}},
                },
                "fields": {
                    "type": "object",
                    "description": "Each invalid parameter's messages, in each language.",
                    "additionalProperties": {
                        "type": "object",
                        "properties": {
                            "id": {"type": "array", "items": {"type": "string"}},
                            "en": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                },
            },
        }
    },
}
ANSWERS = {
    "400": "A parameter is not valid (see fields).",
    "404": "Nothing here, or the cursor is not valid.",
    "405": "This address only answers GET.",
    "406": "This address answers in JSON only.",
    "429": "Too many requests from this address: wait for Retry-After seconds.",
}


def error_answers(result, generator, request, public):
    """Every operation answers 400, 404, 405, 406 and 429 with the error body; one read with a
    token 401 too."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for item in result.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            answers = dict(ANSWERS)
            if any("token" in scheme for scheme in operation.get("security", [])):
                answers["401"] = "No token, or a revoked one, or its person's account closed."
            for status, description in answers.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result
