/// The OpenAPI 3.1 description of the API, served at `/api/v1/openapi.json`.
/// Written by hand; `APITests` checks that it parses and names every route.
enum OpenAPIDocument {
    static let json = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "Hotline API",
    "version": "1.0.0",
    "description": "Call records (CDRs) and quality inspections of a Hotline contact center. Every route needs a bearer token; phone numbers are masked (138****5678) unless the token's role is `full`."
  },
  "servers": [{"url": "/"}],
  "security": [{"bearer": []}],
  "paths": {
    "/api/v1/calls": {
      "get": {
        "operationId": "listCalls",
        "summary": "Calls, newest first",
        "parameters": [
          {"$ref": "#/components/parameters/from"},
          {"$ref": "#/components/parameters/to"},
          {"$ref": "#/components/parameters/number"},
          {"$ref": "#/components/parameters/trunk"},
          {"$ref": "#/components/parameters/disposition"},
          {"name": "limit", "in": "query", "description": "Calls per page; larger values are reduced to 1000.", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}},
          {"$ref": "#/components/parameters/cursor"},
          {"$ref": "#/components/parameters/offset"}
        ],
        "responses": {
          "200": {"description": "One page of calls", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CallPage"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"}
        }
      }
    },
    "/api/v1/calls/{id}": {
      "get": {
        "operationId": "getCall",
        "summary": "One call",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
        "responses": {
          "200": {"description": "The call", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Call"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"description": "No such call", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      }
    },
    "/api/v1/calls/{id}/inspection": {
      "get": {
        "operationId": "getCallInspection",
        "summary": "The quality inspection of a call",
        "description": "Where the call's recording stands in the inspection queue and, once inspected, the result: score, every finding with its rule, speaker, time span and evidence. Digit runs that look like phone numbers in the words are masked unless the token's role is full.",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
        "responses": {
          "200": {"description": "The inspection", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Inspection"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "404": {"description": "The call was never enqueued for inspection (no recording, not answered, or unknown)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      }
    },
    "/api/v1/calls.csv": {
      "get": {
        "operationId": "exportCalls",
        "summary": "Calls as CSV for spreadsheets",
        "description": "RFC 4180 CSV, UTF-8, CRLF line ends, a header row, newest first. Every matching call unless `limit` is given. Text that a spreadsheet would run as a formula is prefixed with an apostrophe.",
        "parameters": [
          {"$ref": "#/components/parameters/from"},
          {"$ref": "#/components/parameters/to"},
          {"$ref": "#/components/parameters/number"},
          {"$ref": "#/components/parameters/trunk"},
          {"$ref": "#/components/parameters/disposition"},
          {"name": "limit", "in": "query", "description": "At most this many calls (default: all).", "schema": {"type": "integer", "minimum": 1}},
          {"$ref": "#/components/parameters/cursor"},
          {"$ref": "#/components/parameters/offset"},
          {"name": "bom", "in": "query", "description": "Start with a UTF-8 byte order mark (for Excel).", "schema": {"type": "boolean", "default": false}}
        ],
        "responses": {
          "200": {
            "description": "The calls; columns: id, started_at, answered_at, ended_at, caller, caller_domain, dialled, trunk, disposition, steps (joined by ' > '), digits, queue, agent, wait_seconds, talk_seconds, hangup_by, hangup_cause, sip_status, caller_packets_lost, caller_jitter_ms, agent_packets_lost, agent_jitter_ms, recording, cost, sip_call_id, variables (JSON).",
            "content": {"text/csv": {"schema": {"type": "string"}}}
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"}
        }
      }
    },
    "/api/v1/reload": {
      "post": {
        "operationId": "reloadConfiguration",
        "summary": "Read the configuration file again",
        "description": "The whole file is checked first. A file with any error is refused and the running configuration stays; an accepted one applies to calls that start afterwards (calls in progress keep their flows). Needs a token with the full role.",
        "responses": {
          "200": {"description": "Applied", "content": {"application/json": {"schema": {"type": "object", "required": ["applied", "summary"], "properties": {"applied": {"type": "boolean", "const": true}, "summary": {"type": "string"}}}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"description": "The token's role may not reload"},
          "422": {"description": "Refused: every error as file:line:column: message", "content": {"application/json": {"schema": {"type": "object", "required": ["applied", "errors"], "properties": {"applied": {"type": "boolean", "const": false}, "errors": {"type": "array", "items": {"type": "string"}}}}}}}
        }
      }
    },
    "/api/v1/openapi.json": {
      "get": {
        "operationId": "openAPI",
        "summary": "This document",
        "responses": {
          "200": {"description": "OpenAPI 3.1 document", "content": {"application/json": {"schema": {"type": "object"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"}
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "HOTLINE_API_TOKEN, a token of the configuration's `api` section, or the token `hotline serve` generates into DATA/api-token."
      }
    },
    "parameters": {
      "from": {"name": "from", "in": "query", "description": "Calls that started at or after this time (ISO 8601 date and time with zone, e.g. 2025-10-09T08:00:00+08:00).", "schema": {"type": "string", "format": "date-time"}},
      "to": {"name": "to", "in": "query", "description": "Calls that started before this time (ISO 8601).", "schema": {"type": "string", "format": "date-time"}},
      "number": {"name": "number", "in": "query", "description": "A part of the caller's or the dialled number (substring match; 5678 finds 13812345678). Matched against full numbers whatever the token's role.", "schema": {"type": "string"}},
      "trunk": {"name": "trunk", "in": "query", "description": "The trunk's name (exact).", "schema": {"type": "string"}},
      "disposition": {"name": "disposition", "in": "query", "schema": {"$ref": "#/components/schemas/Disposition"}},
      "cursor": {"name": "cursor", "in": "query", "description": "The nextCursor of the previous page (stable while calls arrive); wins over offset.", "schema": {"type": "string"}},
      "offset": {"name": "offset", "in": "query", "description": "Skip this many calls.", "schema": {"type": "integer", "minimum": 0, "default": 0}}
    },
    "responses": {
      "BadRequest": {"description": "A malformed parameter", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
      "Unauthorized": {
        "description": "No bearer token, or not a valid one",
        "headers": {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer realm=\"hotline\""}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
      }
    },
    "schemas": {
      "Disposition": {"type": "string", "enum": ["in-progress", "answered", "abandoned", "rejected", "failed", "interrupted"]},
      "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}}
      },
      "LegMediaStatistics": {
        "type": "object",
        "required": ["packetsReceived", "packetsSent", "packetsLost", "jitterMilliseconds", "maxGapMilliseconds"],
        "properties": {
          "packetsReceived": {"type": "integer"},
          "packetsSent": {"type": "integer"},
          "packetsLost": {"type": "integer"},
          "jitterMilliseconds": {"type": "number"},
          "maxGapMilliseconds": {"type": "number"}
        }
      },
      "Call": {
        "type": "object",
        "required": ["id", "sipCallID", "startedAt", "answeredAt", "endedAt", "caller", "callerDomain", "dialled", "trunk", "disposition", "steps", "digits", "variables", "queue", "agent", "waitSeconds", "talkSeconds", "hangupBy", "hangupCause", "sipStatus", "callerMedia", "agentMedia", "recording", "cost"],
        "properties": {
          "id": {"type": "string", "format": "uuid"},
          "sipCallID": {"type": "string", "description": "Call-ID of the caller's INVITE"},
          "startedAt": {"type": "string", "format": "date-time"},
          "answeredAt": {"type": ["string", "null"], "format": "date-time"},
          "endedAt": {"type": ["string", "null"], "format": "date-time"},
          "caller": {"type": "string", "description": "Masked (138****5678) unless the token's role is full"},
          "callerDomain": {"type": ["string", "null"], "description": "Host of the caller's From URI"},
          "dialled": {"type": "string"},
          "trunk": {"type": ["string", "null"]},
          "disposition": {"$ref": "#/components/schemas/Disposition"},
          "steps": {"type": "array", "items": {"type": "string"}, "description": "Flow steps taken, in order (flow/step)"},
          "digits": {"type": "string", "description": "Digits the caller entered, in order; masked like a number when five or more, unless the role is full"},
          "variables": {"type": "object", "additionalProperties": {"type": "string"}},
          "queue": {"type": ["string", "null"]},
          "agent": {"type": ["string", "null"]},
          "waitSeconds": {"type": ["number", "null"]},
          "talkSeconds": {"type": "number"},
          "hangupBy": {"type": ["string", "null"], "enum": ["caller", "agent", "system", null]},
          "hangupCause": {"type": ["string", "null"], "description": "BYE, CANCEL, a SIP status such as '403 Forbidden', max-duration, media-timeout, interrupted …"},
          "sipStatus": {"type": ["integer", "null"], "description": "Final SIP status of the INVITE"},
          "callerMedia": {"oneOf": [{"$ref": "#/components/schemas/LegMediaStatistics"}, {"type": "null"}]},
          "agentMedia": {"oneOf": [{"$ref": "#/components/schemas/LegMediaStatistics"}, {"type": "null"}]},
          "recording": {"type": ["string", "null"], "description": "Path or object key of the recording"},
          "cost": {"type": "number", "description": "Minutes × the trunk's price per minute"}
        }
      },
      "Inspection": {
        "type": "object",
        "required": ["callID", "status", "attempts", "recording", "enqueuedAt", "claimedAt", "finishedAt", "nextAttemptAt", "lastError", "score", "result"],
        "properties": {
          "callID": {"type": "string", "format": "uuid"},
          "status": {"type": "string", "enum": ["pending", "running", "done", "failed"], "description": "pending: waiting (first time or for a retry); running: being inspected; done: result stored; failed: given up after the last attempt"},
          "attempts": {"type": "integer", "description": "Attempts so far"},
          "recording": {"type": "string", "description": "Path of the recording inspected"},
          "enqueuedAt": {"type": "string", "format": "date-time"},
          "claimedAt": {"type": ["string", "null"], "format": "date-time", "description": "When a worker last took it"},
          "finishedAt": {"type": ["string", "null"], "format": "date-time"},
          "nextAttemptAt": {"type": ["string", "null"], "format": "date-time", "description": "While pending: not tried before this time"},
          "lastError": {"type": ["string", "null"], "description": "Why the last attempt failed"},
          "score": {"type": ["number", "null"], "description": "0–100 (0 when auto-failed), once done"},
          "result": {"oneOf": [{"$ref": "#/components/schemas/InspectionResult"}, {"type": "null"}]}
        }
      },
      "InspectionResult": {
        "type": "object",
        "description": "The result of one call, as `hotline qa analyze --format json` writes it (snake_case keys); see docs/quality.md.",
        "required": ["call_id", "duration", "score", "passed", "auto_failed", "rules", "hits"],
        "properties": {
          "call_id": {"type": "string"},
          "source": {"type": ["string", "null"]},
          "duration": {"type": "number", "description": "Seconds"},
          "score": {"type": "number"},
          "passed": {"type": "boolean"},
          "auto_failed": {"type": "boolean"},
          "auto_fail_rules": {"type": "array", "items": {"type": "string"}},
          "rules": {"type": "array", "items": {"type": "string"}, "description": "Ids of the rules that fired, in pack order"},
          "sections": {"type": "array", "items": {"type": "object"}},
          "hits": {"type": "array", "items": {"$ref": "#/components/schemas/RuleHit"}, "description": "Every finding, in time order"},
          "emotion": {"type": "object", "description": "Per speaker: score −5…+5, label (angry, negative, neutral, positive), quarters"},
          "statistics": {"type": "object", "description": "Talk, silence and overtalk figures"},
          "voice": {"type": ["object", "null"], "description": "Voice analysis of the recording"}
        }
      },
      "RuleHit": {
        "type": "object",
        "required": ["rule", "severity", "start", "end", "text"],
        "properties": {
          "rule": {"type": "string", "description": "The rule id, e.g. long_silence, complaint_risk"},
          "severity": {"type": "string", "enum": ["info", "minor", "major", "critical"]},
          "speaker": {"type": ["string", "null"], "enum": ["agent", "customer", null]},
          "start": {"type": "number", "description": "Seconds from the start of the recording"},
          "end": {"type": "number"},
          "text": {"type": "string", "description": "The evidence: the utterance, or what was said around a timing finding"},
          "matched": {"type": ["string", "null"], "description": "The words that matched"},
          "detail": {"type": ["string", "null"], "description": "e.g. silence 12.4 s"}
        }
      },
      "CallPage": {
        "type": "object",
        "required": ["calls", "total", "limit", "offset", "cursor", "nextCursor", "nextOffset"],
        "properties": {
          "calls": {"type": "array", "items": {"$ref": "#/components/schemas/Call"}},
          "total": {"type": "integer", "description": "Calls matching the filters, all pages"},
          "limit": {"type": "integer"},
          "offset": {"type": ["integer", "null"], "description": "The offset of this page (null when paging by cursor)"},
          "cursor": {"type": ["string", "null"]},
          "nextCursor": {"type": ["string", "null"], "description": "Pass as cursor for the next page; null on the last page"},
          "nextOffset": {"type": ["integer", "null"], "description": "Pass as offset for the next page; null on the last page or when paging by cursor"}
        }
      }
    }
  }
}
"""#
}
