"""A fault-injecting proxy in front of a moto server, for ecsaudit's partial-audit tests
and benchmarks.

Usage: deny_proxy.py UPSTREAM_URL RULE[,RULE...]
Listens on 127.0.0.1 (a free port, printed on stdout as `PORT <n>`) and forwards every
request to UPSTREAM_URL, except as the rules say:
  ACTION              (`iam:GetRole`, `ecs:DescribeServices`, ...) gets AWS's
                      AccessDenied error (EC2: UnauthorizedOperation);
  ACTION@TEXT         the same, only for calls whose (URL-decoded) request names TEXT
                      (`sts:AssumeRole@444455556666`: one account's role);
  disabled:REGION     every call signed for REGION gets UnrecognizedClientException,
                      as a region not enabled for the account answers;
  hang:ACTION         is never answered (a hung endpoint);
  flaky:ACTION        every other call gets a 503 (its retry passes);
  reset:ACTION        every other call has its connection closed unanswered;
  throttle:ACTION     every call is throttled (the service's own throttling error);
  random:P[:SEED]     any call fails with probability P (0..1): throttling, a 500, a
                      503 or a connection reset, chosen at random (seeded: repeatable);
  delay:MS[:JITTER]   every call is answered MS milliseconds late (plus 0..JITTER);
  replay              a call asked before (same account, region, action and request
                      body) is answered from the first answer instead of by moto, so a
                      warmed-up benchmark measures the injected latency, not moto's own
                      service time (moto serves one call at a time, ~6 ms each);
                      sts:AssumeRole is always forwarded.
Every call is logged to stderr as `CALL service:Action`, a fault injected as
`FAULT kind service:Action`.
"""
import http.server
import random
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

UPSTREAM = sys.argv[1].rstrip("/")
RULES = [a.strip() for a in sys.argv[2].split(",") if a.strip()] if len(sys.argv) > 2 else []
MODES = ("hang:", "flaky:", "reset:", "throttle:", "random:", "delay:", "disabled:", "replay")


def with_mode(mode):
    return {r[len(mode):].lower() for r in RULES if r.lower().startswith(mode)}


DENY = {r.lower() for r in RULES if not r.lower().startswith(MODES) and "@" not in r}
# action -> texts: denied only when the request names one of them.
DENY_WHEN = {}
for r in RULES:
    if "@" in r and not r.lower().startswith(MODES):
        a, _, text = r.partition("@")
        DENY_WHEN.setdefault(a.lower(), []).append(text)
DISABLED = with_mode("disabled:")
HANG = with_mode("hang:")
FLAKY = with_mode("flaky:")
RESET = with_mode("reset:")
THROTTLE = with_mode("throttle:")
RANDOM = next(iter(with_mode("random:")), None)
P_FAULT, RNG = 0.0, random.Random(0)
if RANDOM:
    p, _, seed = RANDOM.partition(":")
    P_FAULT, RNG = float(p), random.Random(int(seed or 0))
DELAY = next(iter(with_mode("delay:")), None)
DELAY_MS, JITTER_MS = 0, 0
if DELAY:
    d, _, j = DELAY.partition(":")
    DELAY_MS, JITTER_MS = int(d), int(j or 0)

REPLAY = "replay" in {r.lower() for r in RULES}
# (account, region, target or path, body) -> (status, headers, payload); access key ->
# account, learned from AssumeRole answers (moto's default key is its default account).
CACHE = {}
ACCOUNT_OF_KEY = {"testing": "123456789012"}

LOCK = threading.Lock()
SEEN = {}

JSON_PREFIXES = {
    "amazonec2containerservicev20141113": "ecs",
    "amazonec2containerregistry_v20150921": "ecr",
}

# The error code each service throttles with.
THROTTLING = {"ec2": "RequestLimitExceeded", "ecs": "ThrottlingException", "ecr": "ThrottlingException"}


def scope_part(headers, i):
    auth = headers.get("Authorization", "")
    # Credential=AKID/20240101/us-east-1/iam/aws4_request
    try:
        return auth.split("Credential=")[1].split(",")[0].split("/")[i]
    except IndexError:
        return "unknown"


def service_of(headers):
    return scope_part(headers, 3)


def log(line):
    with LOCK:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def every_other(action):
    """True on the 1st, 3rd, ... call of `action`."""
    with LOCK:
        n = SEEN[action] = SEEN.get(action, 0) + 1
    return n % 2 == 1


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
        target = self.headers.get("X-Amz-Target")
        if target:
            prefix, _, op = target.partition(".")
            service = JSON_PREFIXES.get(prefix.lower(), service_of(self.headers))
            self.json_protocol = True
        else:
            op = urllib.parse.parse_qs(body.decode()).get("Action", ["Unknown"])[0]
            service = service_of(self.headers)
            self.json_protocol = False
        self.service = service
        action = f"{service}:{op}"
        key = action.lower()
        log(f"CALL {action}")
        if DELAY_MS or JITTER_MS:
            with LOCK:
                extra = RNG.randint(0, JITTER_MS) if JITTER_MS else 0
            time.sleep((DELAY_MS + extra) / 1000)
        if key in HANG:
            time.sleep(600)
            return
        if key in DENY:
            return self.deny(action)
        if key in DENY_WHEN:
            request = urllib.parse.unquote_plus(body.decode(errors="replace"))
            if any(t in request for t in DENY_WHEN[key]):
                return self.deny(action)
        if scope_part(self.headers, 2).lower() in DISABLED:
            return self.error(400 if self.json_protocol else 403, "UnrecognizedClientException",
                              "The security token included in the request is invalid.")
        fault = None
        if key in FLAKY and every_other(key):
            fault = "503"
        elif key in RESET and every_other(key):
            fault = "reset"
        elif key in THROTTLE:
            fault = "throttle"
        elif P_FAULT:
            with LOCK:
                if RNG.random() < P_FAULT:
                    fault = RNG.choice(["throttle", "500", "503", "reset"])
        if fault:
            log(f"FAULT {fault} {action}")
            return self.inject(fault)
        self.forward(body, action)

    do_GET = do_POST

    def error(self, status, code, msg):
        if self.json_protocol:
            payload = ('{"__type":"%s","message":"%s"}' % (code, msg)).encode()
            ctype = "application/x-amz-json-1.1"
        elif self.service == "ec2":
            # EC2's own query protocol.
            payload = (
                f"<Response><Errors><Error><Code>{code}</Code><Message>{msg}</Message>"
                "</Error></Errors><RequestID>ecsaudit-test</RequestID></Response>"
            ).encode()
            ctype = "text/xml"
        else:
            payload = (
                f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
                f"<Message>{msg}</Message></Error><RequestId>ecsaudit-test</RequestId></ErrorResponse>"
            ).encode()
            ctype = "text/xml"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def deny(self, action):
        msg = f"User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: {action}"
        if self.json_protocol:
            self.error(400, "AccessDeniedException", msg)
        elif self.service == "ec2":
            self.error(403, "UnauthorizedOperation", msg)
        else:
            self.error(403, "AccessDenied", msg)

    def inject(self, fault):
        if fault == "reset":
            self.close_connection = True
            self.connection.close()
        elif fault == "throttle":
            self.error(400, THROTTLING.get(self.service, "Throttling"), "Rate exceeded")
        elif fault == "500":
            self.error(500, "InternalFailure", "internal error")
        else:
            self.error(503, "ServiceUnavailable", "try again")

    def forward(self, body, action):
        cache_key = None
        if REPLAY and action != "sts:AssumeRole":
            key_id = scope_part(self.headers, 0).rsplit("=", 1)[-1]
            with LOCK:
                account = ACCOUNT_OF_KEY.get(key_id, key_id)
            cache_key = (account, scope_part(self.headers, 2), self.headers.get("X-Amz-Target"), self.path, body)
            with LOCK:
                hit = CACHE.get(cache_key)
            if hit:
                return self.answer(*hit)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        req = urllib.request.Request(UPSTREAM + self.path, data=body if body else None, headers=headers, method=self.command)
        try:
            with urllib.request.urlopen(req) as resp:
                status, rheaders, payload = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            status, rheaders, payload = e.code, e.headers, e.read()
        kept = [(k, v) for k, v in rheaders.items()
                if k.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date")]
        if REPLAY and action == "sts:AssumeRole" and status == 200:
            text = payload.decode(errors="replace")
            role = urllib.parse.parse_qs(body.decode()).get("RoleArn", [""])[0]
            if "<AccessKeyId>" in text and role.count(":") >= 4:
                key_id = text.split("<AccessKeyId>")[1].split("<")[0]
                with LOCK:
                    ACCOUNT_OF_KEY[key_id] = role.split(":")[4]
        if cache_key and status == 200:
            with LOCK:
                CACHE[cache_key] = (status, kept, payload)
        self.answer(status, kept, payload)

    def answer(self, status, headers, payload):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(f"PORT {server.server_address[1]}", flush=True)
server.serve_forever()
