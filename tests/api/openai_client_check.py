#!/usr/bin/env python3
"""Checks Folio's OpenAI-compatible HTTP API server with the official `openai` Python client.

tests/model/api_server_test.cpp starts the app's API server on a local port with the default model
(Qwen2.5-Coder-0.5B-Instruct) and runs this script with the venv's python (.venv, from
scripts/python-requirements.txt). Each check prints one line on stdout:

  PASS <name>
  FAIL <name>: <why>
  INFO <name> <text>        (extra facts for the C++ side, never a verdict)

and the exit status is 0 only if every check of the phase passed (1 if one failed, 2 for bad usage).

Phases (--phase):
  main      (default) a server with the model loaded: models, chat, chat_stream, seed, stop,
            completions, unauthorized, malformed_json, too_long, cancel_by_close, concurrent,
            not_found.
  overload  a server started with a request queue limit of 2: 8 concurrent streams, at least one
            gets 429 rate_limit_exceeded and at least one completes.
  no_model  a server without a loaded model: a chat request gets 503 with error JSON.

Usage:
  .venv/bin/python tests/api/openai_client_check.py --base-url http://127.0.0.1:PORT/v1 --key KEY
      [--phase main|overload|no_model] [--only NAME ...] [--timeout SECONDS]
  .venv/bin/python tests/api/openai_client_check.py --list [--phase PHASE]

The model is tiny and runs on a small CPU, so generations are short (max_tokens <= 16 except where
a long generation is the point) and no check relies on more than what a 0.5B model does reliably.
The clients never retry (max_retries=0), so every status code the server sends is seen as sent.
"""
import argparse
import json
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import openai

# Recent openai releases (3.x) are built on httpx2, older ones on httpx: use what is installed.
try:
    import httpx2 as httpx
except ImportError:  # pragma: no cover - depends on the installed openai release
    import httpx


class CheckFailed(Exception):
    """A check's expectation did not hold; the message says which and what was seen."""


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


class Context:
    """What the checks share: the server's address and key, and the model id from /v1/models."""

    def __init__(self, base_url, key, timeout):
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.timeout = timeout
        self.model_id = None
        self._clients = []

    def client(self, key=None):
        """A fresh openai client (each thread of the concurrent checks makes its own)."""
        client = openai.OpenAI(base_url=self.base_url, api_key=key or self.key,
                               max_retries=0, timeout=self.timeout)
        self._clients.append(client)
        return client

    def close_clients(self):
        """Closes the clients a check made, so no idle keep-alive connection outlives it."""
        clients, self._clients = self._clients, []
        for client in clients:
            client.close()

    def model(self):
        expect(self.model_id is not None, "no model id (the models check failed or did not run)")
        return self.model_id

    def any_model(self):
        """The model id where it is known, else a placeholder (for requests the server rejects)."""
        return self.model_id or "folio"

    def raw(self, method, path, body=None, headers=None, with_key=True):
        """A plain HTTP request beside the openai client, for what it cannot send."""
        all_headers = {"Authorization": f"Bearer {self.key}"} if with_key else {}
        all_headers.update(headers or {})
        with httpx.Client(timeout=self.timeout) as http:
            return http.request(method, self.base_url + path, content=body, headers=all_headers)


def user(text):
    return [{"role": "user", "content": text}]


def error_object(response, status):
    """Asserts the raw response has `status` and OpenAI's error JSON; returns body["error"]."""
    expect(response.status_code == status,
           f"status {response.status_code}, expected {status}: {response.text[:300]!r}")
    content_type = response.headers.get("content-type", "")
    expect("json" in content_type, f"Content-Type {content_type!r} is not JSON")
    try:
        body = response.json()
    except ValueError:
        raise CheckFailed(f"body is not JSON: {response.text[:300]!r}") from None
    expect(isinstance(body, dict) and isinstance(body.get("error"), dict),
           f"body has no error object: {body!r}")
    error = body["error"]
    expect(isinstance(error.get("message"), str) and error["message"],
           f"error.message is not a non-empty string: {error!r}")
    expect(isinstance(error.get("type"), str) and error["type"],
           f"error.type is not a non-empty string: {error!r}")
    return error


def status_error_body(error):
    """The error object of an openai.APIStatusError: the client stores body["error"] in e.body."""
    expect(isinstance(error.body, dict), f"e.body is not the error object: {error.body!r}")
    expect(isinstance(error.body.get("message"), str) and error.body["message"],
           f"error.message is not a non-empty string: {error.body!r}")
    return error.body


def check_usage(usage, max_completion=None):
    expect(usage is not None, "no usage")
    expect(usage.prompt_tokens > 0, f"usage.prompt_tokens {usage.prompt_tokens} is not > 0")
    expect(usage.completion_tokens > 0,
           f"usage.completion_tokens {usage.completion_tokens} is not > 0")
    if max_completion is not None:
        expect(usage.completion_tokens <= max_completion,
               f"usage.completion_tokens {usage.completion_tokens} > max_tokens {max_completion}")
    expect(usage.total_tokens == usage.prompt_tokens + usage.completion_tokens,
           f"usage.total_tokens {usage.total_tokens} != {usage.prompt_tokens} + "
           f"{usage.completion_tokens}")


def read_chat_stream(stream):
    """Reads a chat stream to its end; returns (chunks, text, finish reasons, usage chunks)."""
    chunks = list(stream)
    expect(chunks, "the stream had no chunks")
    ids = {chunk.id for chunk in chunks}
    expect(len(ids) == 1, f"chunks carry different ids: {sorted(ids)}")
    text, finishes, usages = "", [], []
    for chunk in chunks:
        expect(chunk.object == "chat.completion.chunk",
               f"chunk object {chunk.object!r}, expected 'chat.completion.chunk'")
        for choice in chunk.choices:
            text += choice.delta.content or ""
            if choice.finish_reason is not None:
                finishes.append(choice.finish_reason)
        if chunk.usage is not None:
            usages.append(chunk)
    return chunks, text, finishes, usages


# ---- phase main ----

def check_models(ctx):
    models = ctx.client().models.list()
    expect(len(models.data) >= 1, f"no models listed: {models!r}")
    first = models.data[0]
    expect(isinstance(first.id, str) and first.id, f"model id is not a non-empty string: {first!r}")
    expect(first.object == "model", f"model object {first.object!r}, expected 'model'")
    ctx.model_id = first.id
    print(f"INFO models id={first.id} owned_by={first.owned_by}", flush=True)


def check_chat(ctx):
    reply = ctx.client().chat.completions.create(
        model=ctx.model(), messages=user("Say hello."), max_tokens=8, temperature=0, top_p=1.0)
    expect(reply.object == "chat.completion",
           f"object {reply.object!r}, expected 'chat.completion'")
    expect(len(reply.choices) == 1, f"{len(reply.choices)} choices, expected 1")
    choice = reply.choices[0]
    expect(choice.message.role == "assistant", f"message.role {choice.message.role!r}")
    content = choice.message.content
    expect(isinstance(content, str) and content, f"content is not a non-empty string: {content!r}")
    expect(choice.finish_reason in ("stop", "length"),
           f"finish_reason {choice.finish_reason!r} not in stop/length")
    check_usage(reply.usage, max_completion=8)


def check_chat_stream(ctx):
    stream = ctx.client().chat.completions.create(
        model=ctx.model(), messages=user("Say hello."), max_tokens=8, temperature=0, stream=True,
        stream_options={"include_usage": True})
    chunks, text, finishes, usages = read_chat_stream(stream)
    expect(text, "the concatenated delta content is empty")
    expect(chunks[0].choices, "the first chunk has no choices")
    role = chunks[0].choices[0].delta.role
    expect(role == "assistant", f"first chunk delta.role {role!r}, expected 'assistant'")
    expect(len(finishes) == 1, f"{len(finishes)} chunks carry a finish_reason: {finishes}")
    expect(finishes[0] in ("stop", "length"), f"finish_reason {finishes[0]!r} not in stop/length")
    expect(len(usages) == 1, f"{len(usages)} chunks carry usage, expected 1")
    expect(usages[0] is chunks[-1], "the usage chunk is not the last chunk")
    expect(not usages[0].choices, f"the usage chunk has choices: {usages[0].choices!r}")
    check_usage(usages[0].usage, max_completion=8)


def check_prefix_reuse(ctx):
    """A client that resends the same long system prompt pays for it once: the second request's
    usage.prompt_tokens_details.cached_tokens covers (nearly) all of it."""
    system = " ".join(f"Rule {i}: answer politely and keep item {i * 7 % 13} in mind."
                      for i in range(120))
    usages = []
    for question in ("Say yes.", "Say no."):
        reply = ctx.client().chat.completions.create(
            model=ctx.model(), max_tokens=2, temperature=0,
            messages=[{"role": "system", "content": system}, {"role": "user", "content": question}])
        usages.append(reply.usage)
    details = usages[1].prompt_tokens_details
    cached = details.cached_tokens if details is not None else None
    expect(cached is not None, f"no prompt_tokens_details.cached_tokens: {usages[1]!r}")
    expect(usages[0].prompt_tokens > 1000, f"the system prompt is short: {usages[0].prompt_tokens}")
    expect(cached >= usages[0].prompt_tokens - 32,
           f"cached {cached} of {usages[1].prompt_tokens} tokens; the first request had "
           f"{usages[0].prompt_tokens}")
    print(f"INFO prefix_reuse {cached} of {usages[1].prompt_tokens} prompt tokens cached",
          flush=True)


def check_seed(ctx):
    client = ctx.client()
    contents = []
    for _ in range(2):
        reply = client.chat.completions.create(
            model=ctx.model(), messages=user("Name a colour."), max_tokens=8, temperature=0,
            seed=7)
        contents.append(reply.choices[0].message.content)
    expect(contents[0] == contents[1], f"different contents: {contents[0]!r} vs {contents[1]!r}")
    expect(contents[0], "empty content")


COUNT_PROMPT = "Count from 1 to 20, separated by commas."


def check_stop(ctx):
    client = ctx.client()
    reply = client.chat.completions.create(
        model=ctx.model(), messages=user(COUNT_PROMPT), max_tokens=16, temperature=0, stop=[","])
    choice = reply.choices[0]
    expect(choice.finish_reason == "stop",
           f"finish_reason {choice.finish_reason!r}, expected 'stop' (content "
           f"{choice.message.content!r})")
    expect("," not in (choice.message.content or ""),
           f"the stop string is in the content: {choice.message.content!r}")

    stream = client.chat.completions.create(
        model=ctx.model(), messages=user(COUNT_PROMPT), max_tokens=16, temperature=0, stop=",",
        stream=True)
    _, text, finishes, _ = read_chat_stream(stream)
    expect(finishes == ["stop"], f"streamed finish reasons {finishes}, expected ['stop']")
    expect("," not in text, f"the stop string is in the streamed content: {text!r}")


def check_completions(ctx):
    client = ctx.client()
    prompt = "The capital of France is"
    reply = client.completions.create(model=ctx.model(), prompt=prompt, max_tokens=5,
                                      temperature=0)
    expect(reply.object == "text_completion",
           f"object {reply.object!r}, expected 'text_completion'")
    expect(len(reply.choices) == 1, f"{len(reply.choices)} choices, expected 1")
    expect(isinstance(reply.choices[0].text, str), f"text is not a string: {reply.choices[0]!r}")
    expect(reply.choices[0].finish_reason in ("stop", "length"),
           f"finish_reason {reply.choices[0].finish_reason!r} not in stop/length")
    check_usage(reply.usage, max_completion=5)

    pieces, finishes = [], []
    for chunk in client.completions.create(model=ctx.model(), prompt=prompt, max_tokens=5,
                                           temperature=0, stream=True):
        expect(chunk.object == "text_completion",
               f"chunk object {chunk.object!r}, expected 'text_completion'")
        for choice in chunk.choices:
            expect(isinstance(choice.text, str), f"chunk text is not a string: {choice!r}")
            pieces.append(choice.text)
            if choice.finish_reason is not None:
                finishes.append(choice.finish_reason)
    expect(pieces, "the stream had no text chunks")
    expect(isinstance("".join(pieces), str), "the streamed pieces do not join to a string")
    expect(len(finishes) == 1, f"{len(finishes)} chunks carry a finish_reason: {finishes}")


def check_unauthorized(ctx):
    try:
        ctx.client(key="wrong-" + ctx.key).chat.completions.create(
            model=ctx.any_model(), messages=user("Hi"), max_tokens=4)
    except openai.AuthenticationError as e:
        expect(e.status_code == 401, f"status {e.status_code}")
        error = status_error_body(e)
        expect(error.get("type") == "invalid_request_error",
               f"error.type {error.get('type')!r}, expected 'invalid_request_error'")
        expect(e.code == "invalid_api_key", f"error.code {e.code!r}, expected 'invalid_api_key'")
    else:
        raise CheckFailed("a wrong key was accepted")

    body = json.dumps({"model": ctx.any_model(), "messages": user("Hi"), "max_tokens": 4})
    response = ctx.raw("POST", "/chat/completions", body=body,
                       headers={"Content-Type": "application/json"}, with_key=False)
    error = error_object(response, 401)
    expect(error.get("code") == "invalid_api_key",
           f"no Authorization: error.code {error.get('code')!r}, expected 'invalid_api_key'")


def check_malformed_json(ctx):
    json_headers = {"Content-Type": "application/json"}
    response = ctx.raw("POST", "/chat/completions", body='{"model": "x", "messages": [',
                       headers=json_headers)
    error = error_object(response, 400)
    expect(error.get("code") == "invalid_json",
           f"error.code {error.get('code')!r}, expected 'invalid_json'")

    body = json.dumps({"model": ctx.any_model(), "messages": "hello", "max_tokens": 4})
    error_object(ctx.raw("POST", "/chat/completions", body=body, headers=json_headers), 400)


def long_text(chars):
    """About `chars` characters of varied words and numbers (many tokens, no repeated run)."""
    words = ("river stone ledger quantum violet harbour engine meadow cipher lantern orbit "
             "falcon granite whisper copper thistle beacon cobalt nimbus saffron tundra "
             "quartz ember juniper vertex mosaic pylon glacier sonnet").split()
    rng = random.Random(20261207)
    parts, size = [], 0
    while size < chars:
        word = rng.choice(words) if rng.random() < 0.7 else str(rng.randrange(10, 100000))
        parts.append(word)
        size += len(word) + 1
    return " ".join(parts)


def check_too_long(ctx):
    try:
        ctx.client().chat.completions.create(
            model=ctx.model(), messages=user(long_text(200_000)), max_tokens=4)
    except openai.BadRequestError as e:
        expect(e.status_code == 400, f"status {e.status_code}")
        status_error_body(e)
        expect(e.code == "context_length_exceeded",
               f"error.code {e.code!r}, expected 'context_length_exceeded' (body {e.body!r})")
    else:
        raise CheckFailed("a 200,000-character prompt was accepted")


def check_cancel_by_close(ctx):
    client = ctx.client()
    stream = client.chat.completions.create(
        model=ctx.model(), messages=user("Write a very long story about a lighthouse keeper."),
        max_tokens=1500, temperature=0, stream=True)
    try:
        for i in range(3):
            try:
                next(stream)
            except StopIteration:
                raise CheckFailed(f"the stream ended after {i} chunks") from None
    finally:
        stream.close()
    print("INFO cancel_by_close closed", flush=True)

    reply = client.chat.completions.create(
        model=ctx.model(), messages=user("Say hi."), max_tokens=4, temperature=0)
    expect(reply.choices[0].finish_reason in ("stop", "length"),
           f"after the close: finish_reason {reply.choices[0].finish_reason!r}")
    check_usage(reply.usage, max_completion=4)


def check_concurrent(ctx):
    count = 50
    model = ctx.model()
    start = threading.Barrier(count, timeout=60)

    def one(i):
        with ctx.client() as client:  # closing it frees the server's keep-alive connection
            start.wait()
            reply = client.chat.completions.create(
                model=model, max_tokens=4, temperature=0,
                messages=user(f"What is {i + 3} plus {2 * i + 5}? Answer with a number."))
        check_usage(reply.usage, max_completion=4)
        return reply

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(one, i) for i in range(count)]
        failures = []
        for i, future in enumerate(futures):
            try:
                future.result()
            except Exception as e:  # noqa: BLE001 - every failure is reported
                failures.append(f"#{i}: {describe(e)}")
    print(f"INFO concurrent {count} requests in {time.monotonic() - began:.1f} s", flush=True)
    expect(not failures, f"{len(failures)} of {count} failed; first: {'; '.join(failures[:3])}")


def check_not_found(ctx):
    error_object(ctx.raw("GET", "/nope"), 404)


# ---- phase overload ----

def check_overload(ctx):
    count = 8
    models = ctx.client().models.list().data
    model = models[0].id if models else "folio"
    start = threading.Barrier(count, timeout=60)

    def one(i):
        try:
            with ctx.client() as client:
                start.wait()
                stream = client.chat.completions.create(
                    model=model, messages=user(f"Tell me a short fact about the number {i + 1}."),
                    max_tokens=64, temperature=0, stream=True)
                _, _, finishes, _ = read_chat_stream(stream)
            expect(len(finishes) == 1, f"{len(finishes)} chunks carry a finish_reason")
            return "completed"
        except openai.RateLimitError as e:
            expect(e.status_code == 429, f"status {e.status_code}")
            status_error_body(e)
            expect(e.code == "rate_limit_exceeded",
                   f"429 error.code {e.code!r}, expected 'rate_limit_exceeded'")
            return "rate_limited"

    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(one, i) for i in range(count)]
        outcomes, failures = [], []
        for i, future in enumerate(futures):
            try:
                outcomes.append(future.result())
            except Exception as e:  # noqa: BLE001 - every failure is reported
                failures.append(f"#{i}: {describe(e)}")
    completed, limited = outcomes.count("completed"), outcomes.count("rate_limited")
    print(f"INFO overload completed={completed} rate_limited={limited} other={len(failures)}",
          flush=True)
    expect(not failures, f"unexpected outcomes: {'; '.join(failures[:3])}")
    expect(limited >= 1, "no request got 429 rate_limit_exceeded")
    expect(completed >= 1, "no request completed")


# ---- phase no_model ----

def check_no_model(ctx):
    try:
        ctx.client().chat.completions.create(model="folio", messages=user("Hi"), max_tokens=4)
    except openai.APIStatusError as e:
        expect(e.status_code == 503, f"status {e.status_code}, expected 503 (body {e.body!r})")
        status_error_body(e)
    else:
        raise CheckFailed("a chat request succeeded without a loaded model")


PHASES = {
    "main": [
        ("models", check_models),
        ("chat", check_chat),
        ("chat_stream", check_chat_stream),
        ("seed", check_seed),
        ("prefix_reuse", check_prefix_reuse),
        ("stop", check_stop),
        ("completions", check_completions),
        ("unauthorized", check_unauthorized),
        ("malformed_json", check_malformed_json),
        ("too_long", check_too_long),
        ("cancel_by_close", check_cancel_by_close),
        ("concurrent", check_concurrent),
        ("not_found", check_not_found),
    ],
    "overload": [("overload", check_overload)],
    "no_model": [("no_model", check_no_model)],
}


def describe(error):
    """One line for a FAIL: the check's own message, or the exception with its HTTP details."""
    if isinstance(error, CheckFailed):
        return str(error)
    text = f"{type(error).__name__}: {error}"
    if isinstance(error, openai.APIStatusError):
        text += f" (status {error.status_code}, body {error.body!r})"
    elif isinstance(error, openai.APIConnectionError) and error.__cause__ is not None:
        text += f" ({type(error.__cause__).__name__}: {error.__cause__})"
    return " ".join(text.split())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="the server's API root, http://127.0.0.1:PORT/v1")
    parser.add_argument("--key", help="the server's bearer key")
    parser.add_argument("--phase", choices=sorted(PHASES), default="main")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these checks")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per request")
    parser.add_argument("--list", action="store_true", help="print the phase's check names")
    args = parser.parse_args()

    checks = PHASES[args.phase]
    if args.list:
        for name, _ in checks:
            print(name)
        return 0
    if not args.base_url or not args.key:
        parser.error("--base-url and --key are required")
    if args.only:
        unknown = set(args.only) - {name for name, _ in checks}
        if unknown:
            parser.error(f"unknown checks for phase {args.phase}: {', '.join(sorted(unknown))}")
        checks = [(name, fn) for name, fn in checks if name in args.only]

    ctx = Context(args.base_url, args.key, args.timeout)
    if args.phase == "main" and args.only and "models" not in args.only:
        try:
            check_models(ctx)  # the other checks need the model id
        except Exception as error:  # noqa: BLE001 - the checks that need it then say so
            print(f"INFO models failed: {describe(error)}", flush=True)
        finally:
            ctx.close_clients()
    failed = 0
    for name, check in checks:
        try:
            check(ctx)
            print(f"PASS {name}", flush=True)
        except Exception as error:  # noqa: BLE001 - a check's failure must not stop the others
            failed += 1
            print(f"FAIL {name}: {describe(error)}", flush=True)
        finally:
            ctx.close_clients()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
