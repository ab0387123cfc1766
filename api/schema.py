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
                "changes": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Stale: what changed since the version given, who and when.",
                },
                "version": {"type": "string", "description": "Stale: the current version."},
                "report": {
                    "type": "string",
                    "description": "Duplicate: the report that covers these dates.",
                },
                "fields": {
                    "type": "object",
                    "description": "Each invalid parameter's or field's messages, in each "
                    "language (a line's as lines.<position>.<field>).",
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
    "405": "This address does not answer this method.",
    "406": "This address answers in JSON only.",
    "429": "Too many requests from this address: wait for Retry-After seconds.",
}

# What an operation that changes something also answers.
CHANGES = {
    "400": "A field is not valid (see fields).",
    "403": "The token may not do this: not made to file reports, its person no longer an "
    "officer of the company, or the program or report not open to the company.",
    "409": "A change made meanwhile (code stale: see changes, and the current version), or a "
    "report covering these dates already (code duplicate: see report).",
    "415": "The body is not JSON.",
}


def error_answers(result, generator, request, public):
    """Every operation answers 400, 404, 405, 406 and 429 with the error body; one with a
    token 401 too, and one that changes something 403, 409 and 415."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    for name, schema in schemas.items():
        if name.endswith("Request"):  # bodies (api.serializers.StrictSerializer)
            schema["additionalProperties"] = False
    for item in result.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            answers = dict(ANSWERS)
            if any("token" in scheme for scheme in operation.get("security", [])):
                answers["401"] = "No token, or a revoked one, or its person's account closed."
            if "requestBody" in operation:
                answers.update(CHANGES)
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
