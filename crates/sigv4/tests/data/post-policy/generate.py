"""Computes the expected S3 POST form fields of each case with botocore.

Run once from the repository root (botocore is in the project venv, `cargo xtask venv`):

    target/xtask-venv/bin/python crates/sigv4/tests/data/post-policy/generate.py

Each case's inputs are in CASES below; the script writes `<name>.json` next to itself with the
inputs and botocore's `generate_presigned_post` result. The clock is fixed by replacing
botocore's `get_current_datetime`; no request is sent (credentials are the documentation's
example keys).
"""

import datetime
import json
import os

import botocore.auth
import botocore.config
import botocore.session
import botocore.signers

CASES = [
    {
        "name": "basic",
        "time": "2026-03-01T12:00:00Z",
        "region": "us-east-1",
        "access_key_id": "AKIAIOSFODNN7EXAMPLE",
        "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "bucket": "amzn-s3-demo-bucket",
        "key": "uploads/photo.jpg",
        "expires_in": 3600,
        "fields": {"Content-Type": "image/jpeg", "success_action_status": "201",
                   "x-amz-meta-owner": "alice"},
        "conditions": [
            {"Content-Type": "image/jpeg"},
            ["content-length-range", 1, 10485760],
            {"success_action_status": "201"},
            {"x-amz-meta-owner": "alice"},
        ],
    },
    {
        "name": "starts-with-and-session-token",
        "time": "2026-11-23T08:15:30Z",
        "region": "eu-west-1",
        "access_key_id": "ASIAIOSFODNN7EXAMPLE",
        "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "session_token": "IQoJb3JpZ2luX2VjEXAMPLE+/token==",
        "bucket": "examplebucket",
        "key": "user/eric/${filename}",
        "expires_in": 600,
        "fields": {"acl": "public-read"},
        "conditions": [
            {"acl": "public-read"},
            ["starts-with", "$Content-Type", "image/"],
            ["content-length-range", 0, 1048576],
        ],
    },
    {
        "name": "escaped-json",
        "time": "2025-12-31T23:59:59Z",
        "region": "ap-southeast-2",
        "access_key_id": "AKIAIOSFODNN7EXAMPLE",
        "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "bucket": "bucket.with.dots",
        "key": "caf\u00e9 \"quoted\"\\path/\U0001F600.txt",
        "expires_in": 604800,
        "fields": {"x-amz-meta-note": "line1\nline2\ttab \u00fc"},
        "conditions": [{"x-amz-meta-note": "line1\nline2\ttab \u00fc"}],
    },
]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for case in CASES:
        fixed = datetime.datetime.strptime(case["time"], "%Y-%m-%dT%H:%M:%SZ")
        botocore.auth.get_current_datetime = lambda *a, **k: fixed
        botocore.signers.get_current_datetime = lambda *a, **k: fixed
        session = botocore.session.Session()
        client = session.create_client(
            "s3",
            region_name=case["region"],
            aws_access_key_id=case["access_key_id"],
            aws_secret_access_key=case["secret_access_key"],
            aws_session_token=case.get("session_token"),
            config=botocore.config.Config(signature_version="s3v4"),
        )
        result = client.generate_presigned_post(
            case["bucket"],
            case["key"],
            Fields=case["fields"],
            Conditions=case["conditions"],
            ExpiresIn=case["expires_in"],
        )
        out = dict(case)
        out["expected_fields"] = [[k, v] for k, v in result["fields"].items()]
        out["expected_policy_json"] = json.dumps(
            json.loads(__import__("base64").b64decode(result["fields"]["policy"]))
        )
        out["made_by"] = "botocore %s generate_presigned_post (generate.py)" % botocore.__version__
        with open(os.path.join(here, case["name"] + ".json"), "w") as f:
            json.dump(out, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
