"""A fault-injecting proxy in front of a moto server, for ecsaudit's partial-audit tests.

Usage: deny_proxy.py UPSTREAM_URL ACTION[,ACTION...]
Listens on 127.0.0.1 (a free port, printed on stdout as `PORT <n>`), forwards every
request to UPSTREAM_URL, except that calls to the listed IAM-style actions
(`iam:GetRole`, `ecs:DescribeServices`, ...) get AWS's AccessDenied error instead, and
calls to actions listed as `hang:ACTION` are never answered (a hung endpoint), and
every other call to an action listed as `flaky:ACTION` gets a 503 (its retry passes).
Every call is logged to stderr as `CALL service:Action`.
"""
import http.server
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

UPSTREAM = sys.argv[1].rstrip("/")
ACTIONS = [a.strip().lower() for a in sys.argv[2].split(",") if a.strip()]
DENY = {a for a in ACTIONS if not a.startswith(("hang:", "flaky:"))}
FLAKY = {a[len("flaky:"):] for a in ACTIONS if a.startswith("flaky:")}
FLAKY_SEEN = {}
HANG = {a[len("hang:"):] for a in ACTIONS if a.startswith("hang:")}

LOG_LOCK = threading.Lock()

JSON_PREFIXES = {
    "amazonec2containerservicev20141113": "ecs",
    "amazonec2containerregistry_v20150921": "ecr",
}


def service_of(headers):
    auth = headers.get("Authorization", "")
    # Credential=AKID/20240101/us-east-1/iam/aws4_request
    try:
        return auth.split("Credential=")[1].split(",")[0].split("/")[3]
    except IndexError:
        return "unknown"


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
            json_protocol = True
        else:
            op = urllib.parse.parse_qs(body.decode()).get("Action", ["Unknown"])[0]
            service = service_of(self.headers)
            json_protocol = False
        action = f"{service}:{op}"
        with LOG_LOCK:
            sys.stderr.write(f"CALL {action}\n")
            sys.stderr.flush()
        if action.lower() in HANG:
            time.sleep(600)
            return
        if action.lower() in DENY:
            return self.deny(action, json_protocol)
        if action.lower() in FLAKY:
            with LOG_LOCK:
                n = FLAKY_SEEN[action.lower()] = FLAKY_SEEN.get(action.lower(), 0) + 1
            if n % 2 == 1:
                return self.unavailable()
        self.forward(body)

    do_GET = do_POST

    def deny(self, action, json_protocol):
        msg = f"User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: {action}"
        if json_protocol:
            payload = ('{"__type":"AccessDeniedException","message":"%s"}' % msg).encode()
            ctype = "application/x-amz-json-1.1"
        else:
            payload = (
                "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                f"<Message>{msg}</Message></Error><RequestId>ecsaudit-test</RequestId></ErrorResponse>"
            ).encode()
            ctype = "text/xml"
        self.send_response(403 if not json_protocol else 400)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def unavailable(self):
        payload = b'{"__type":"ServiceUnavailableException","message":"try again"}'
        self.send_response(503)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def forward(self, body):
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        req = urllib.request.Request(UPSTREAM + self.path, data=body if body else None, headers=headers, method=self.command)
        try:
            with urllib.request.urlopen(req) as resp:
                status, rheaders, payload = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            status, rheaders, payload = e.code, e.headers, e.read()
        self.send_response(status)
        for k, v in rheaders.items():
            if k.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"PORT {server.server_address[1]}", flush=True)
server.serve_forever()
