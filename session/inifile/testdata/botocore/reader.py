"""Reads AWS shared files with the real botocore, for inifile's tests.

One process serves many requests: each line on stdin is a JSON object
{"data": base64 bytes}; each answer is one JSON line on stdout with what
botocore reads from those bytes written to a file:

  raw       raw_config_parse(path): [[section, [[key, value], ...]], ...],
            a nested value as {"nested": [[k, v], ...]}
  flat      raw_config_parse(path, parse_subsections=False), same shape
  profiles  build_profile_map(raw): [[kind, name, [[key, value], ...]], ...]
            (kind "" for a top-level entry)
  creds     per section of raw: what SharedCredentialProvider (the
            credentials file's resolver) gives for that profile:
            [access_key, secret_key, token], "partial", or null
  error     instead of the above: the configparser error's class name
            ("ConfigParseError" when botocore gives none)
  lines     with error: the line numbers configparser names (from 1), if any

Run with the interpreter whose botocore you want to test (Debian's:
/usr/bin/python3 with python3-botocore).
"""
import base64
import configparser
import json
import os
import sys
import tempfile

import botocore
import botocore.configloader as configloader
from botocore.credentials import SharedCredentialProvider
from botocore.exceptions import ConfigParseError, PartialCredentialsError


def pairs(d):
    return [[k, {"nested": pairs(v)} if isinstance(v, dict) else v] for k, v in d.items()]


def profile_map(raw):
    pm = configloader.build_profile_map(raw)
    out = []
    for key, value in pm.items():
        if key == "profiles":
            kind = "profile"
        elif key == "sso_sessions":
            kind = "sso-session"
        elif key == "services":
            kind = "services"
        else:
            out.append(["", key, pairs(value) if isinstance(value, dict) else value])
            continue
        for name, opts in value.items():
            out.append([kind, name, pairs(opts)])
    return out


def creds(path, raw):
    out = []
    for section in raw:
        try:
            # The resolver's own code, given the file as raw_config_parse
            # read it above (rather than reading it again per section).
            c = SharedCredentialProvider(
                creds_filename=path, profile_name=section, ini_parser=lambda _: raw
            ).load()
        except PartialCredentialsError:
            out.append([section, "partial"])
            continue
        if c is None:
            out.append([section, None])
            continue
        vals = []
        for v in (c.access_key, c.secret_key, c.token):
            vals.append({"nested": pairs(v)} if isinstance(v, dict) else v)
        out.append([section, vals])
    return out


def read(path):
    try:
        raw = configloader.raw_config_parse(path)
        flat = configloader.raw_config_parse(path, parse_subsections=False)
    except ConfigParseError as e:
        err = getattr(e, "kwargs", {}).get("error")
        lines = []
        if getattr(err, "lineno", None):  # MissingSectionHeaderError too
            lines = [err.lineno]
        elif isinstance(err, configparser.ParsingError):
            lines = [n for n, _ in err.errors]
        return {"error": type(err).__name__ if err is not None else "ConfigParseError", "lines": lines}
    return {
        "raw": [[s, pairs(o)] for s, o in raw.items()],
        "flat": [[s, pairs(o)] for s, o in flat.items()],
        "profiles": profile_map(raw),
        "creds": creds(path, raw),
    }


def main():
    services = "services" in configloader.build_profile_map({})
    sys.stdout.write(json.dumps({"botocore": botocore.__version__, "services": services}) + "\n")
    sys.stdout.flush()
    tmp = tempfile.mkdtemp(prefix="inifile-botocore-")
    path = os.path.join(tmp, "credentials")
    try:
        for line in sys.stdin:
            req = json.loads(line)
            with open(path, "wb") as f:
                f.write(base64.b64decode(req["data"]))
            sys.stdout.write(json.dumps(read(path)) + "\n")
            sys.stdout.flush()
    finally:
        os.remove(path) if os.path.exists(path) else None
        os.rmdir(tmp)


main()
