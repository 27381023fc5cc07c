"""A tiny scripted SMTP relay on loopback for the classification tests: it answers the greeting,
AUTH, MAIL FROM, RCPT and DATA with whatever the test sets, and counts the messages it accepted.
(aiosmtpd cannot refuse the greeting or fail AUTH on demand.)"""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Script:
    greeting: str = "220 relay.test ESMTP"
    auth: str = "235 2.7.0 Authentication successful"
    mail: str = "250 2.1.0 OK"
    rcpt: str = "250 2.1.5 OK"
    data_end: str = "250 2.0.0 Message accepted"
    # Addresses refused at RCPT whatever `rcpt` says (a recipient's own failure).
    refuse: dict[str, str] = field(default_factory=dict)


class ScriptedRelay:
    def __init__(self) -> None:
        self.script = Script()
        self.accepted: list[str] = []  # one recipient per accepted message
        self.connections = 0
        relay = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")
                self.wfile.flush()

            def handle(self) -> None:  # noqa: C901 - a dialogue
                relay.connections += 1
                script = relay.script
                self.reply(script.greeting)
                if not script.greeting.startswith("220"):
                    return
                authenticated = False
                recipients: list[str] = []
                while True:
                    raw = self.rfile.readline()
                    if not raw:
                        return
                    line = raw.decode(errors="replace").rstrip("\r\n")
                    verb = line.split(" ", 1)[0].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply(
                            "250-relay.test\r\n250 AUTH PLAIN LOGIN" if verb == "EHLO" else "250 relay.test"
                        )
                    elif verb == "AUTH":
                        self.reply(script.auth)
                        authenticated = script.auth.startswith("235")
                    elif verb == "MAIL":
                        if not authenticated:
                            self.reply("530 5.7.0 Authentication required")
                        else:
                            self.reply(script.mail)
                        recipients = []
                    elif verb == "RCPT":
                        address = line.split(":", 1)[1].strip().strip("<>")
                        answer = script.refuse.get(address, script.rcpt)
                        if answer.startswith("250"):
                            recipients.append(address)
                        self.reply(answer)
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        while self.rfile.readline() not in (b".\r\n", b""):
                            pass
                        self.reply(script.data_end)
                        if script.data_end.startswith("250"):
                            relay.accepted.extend(recipients)
                    elif verb in ("RSET", "NOOP"):
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    else:
                        self.reply("502 Command not implemented")

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
