"""Bounce messages as real mail servers write them (shapes copied from real reports, names and
hosts made up): `envelope` is our VERP address the report is sent to, `recipient` the address
that failed. Each returns the raw message as delivered into the bounce mailbox."""

from __future__ import annotations

ORIGINAL = """\
Return-Path: <{envelope}>
From: VZHG <secretariaat@vzhg.nl>
To: {recipient}
Subject: Uitnodiging congres
Message-ID: <175000000.1.42@vzhg.nl>
Date: Sun, 29 Nov 2026 10:00:00 +0100
"""


def _crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()


def postfix_user_unknown(*, envelope: str, recipient: str) -> bytes:
    """Postfix's RFC 3464 report: a notification, the delivery-status, the original's headers."""
    return _crlf(f"""\
Return-Path: <>
Delivered-To: {envelope}
Received: by mail.vzhg.nl (Postfix) id 4Xk2m71Lq9z9sQ; Sun, 29 Nov 2026 10:00:03 +0100 (CET)
Date: Sun, 29 Nov 2026 10:00:03 +0100 (CET)
From: MAILER-DAEMON@mail.vzhg.nl (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {envelope}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4Xk2m71Lq9z9sQ.1764406803/mail.vzhg.nl"
Message-Id: <20261129090003.4Xk2m71Lq9z9sQ@mail.vzhg.nl>

This is a MIME-encapsulated message.

--4Xk2m71Lq9z9sQ.1764406803/mail.vzhg.nl
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.vzhg.nl.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<{recipient}>: host mx.gemeente-voorbeeld.nl[192.0.2.25] said: 550 5.1.1
    <{recipient}>: Recipient address rejected: User unknown in virtual
    mailbox table (in reply to RCPT TO command)

--4Xk2m71Lq9z9sQ.1764406803/mail.vzhg.nl
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.vzhg.nl
X-Postfix-Queue-ID: 4Xk2m71Lq9z9sQ
X-Postfix-Sender: rfc822; {envelope}
Arrival-Date: Sun, 29 Nov 2026 10:00:01 +0100 (CET)

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.gemeente-voorbeeld.nl
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected:
    User unknown in virtual mailbox table

--4Xk2m71Lq9z9sQ.1764406803/mail.vzhg.nl
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

{ORIGINAL.format(envelope=envelope, recipient=recipient)}
--4Xk2m71Lq9z9sQ.1764406803/mail.vzhg.nl--
""")


def postfix_mailbox_full(*, envelope: str, recipient: str) -> bytes:
    """A soft bounce: Postfix gave up on a full mailbox (552 5.2.2)."""
    return (
        postfix_user_unknown(envelope=envelope, recipient=recipient)
        .replace(b"Status: 5.1.1", b"Status: 5.2.2")
        .replace(b"550 5.1.1 <", b"552 5.2.2 <")
        .replace(b"Recipient address rejected: User unknown in virtual", b"Mailbox full: quota exceeded")
        .replace(
            b"\r\n    User unknown in virtual mailbox table\r\n", b"\r\n    Mailbox full: quota exceeded\r\n"
        )
        .replace(b"4Xk2m71Lq9z9sQ", b"4Xk9p22Rr3z1aB")
    )


def postfix_delayed(*, envelope: str, recipient: str) -> bytes:
    """Not a bounce: Postfix's warning that a message is delayed (it keeps trying)."""
    return _crlf(f"""\
Return-Path: <>
Delivered-To: {envelope}
Date: Sun, 29 Nov 2026 14:00:03 +0100 (CET)
From: MAILER-DAEMON@mail.vzhg.nl (Mail Delivery System)
Subject: Delayed Mail (still being retried)
To: {envelope}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="7Ab.1764420003/mail.vzhg.nl"

--7Ab.1764420003/mail.vzhg.nl
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.vzhg.nl.

####################################################################
# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
####################################################################

<{recipient}>: connect to mx.gemeente-voorbeeld.nl[192.0.2.25]:25:
    Connection timed out

--7Ab.1764420003/mail.vzhg.nl
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.vzhg.nl

Final-Recipient: rfc822; {recipient}
Action: delayed
Status: 4.4.1
Diagnostic-Code: X-Postfix; connect to mx.gemeente-voorbeeld.nl[192.0.2.25]:25:
    Connection timed out
Will-Retry-Until: Thu, 3 Dec 2026 10:00:01 +0100 (CET)

--7Ab.1764420003/mail.vzhg.nl--
""")


def exchange_online_not_found(*, envelope: str, recipient: str) -> bytes:
    """Exchange Online / Outlook (Microsoft 365): text and HTML, delivery-status, the original."""
    return _crlf(f"""\
Received: from AM9PR01MB7297.eurprd01.prod.exchangelabs.com (2603:10a6:20b:2d4::9)
 by mail.vzhg.nl with HTTPS; Sun, 29 Nov 2026 09:00:05 +0000
Delivered-To: {envelope}
From: postmaster@gemeente-voorbeeld.nl
To: {envelope}
Date: Sun, 29 Nov 2026 09:00:05 +0000
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="e1a5b3c2-7f0d-4c3e-9a61-0c9d5e1f2a3b"
X-MS-Exchange-Message-Is-Ndr:
Content-Language: nl-NL
Message-ID: <c3a1f0de-1111-4b2a-9c44-5d6e7f8a9b0c@AM9PR01MB7297.eurprd01.prod.exchangelabs.com>
In-Reply-To: <175000000.1.42@vzhg.nl>
Subject: Onbestelbaar: Uitnodiging congres
MIME-Version: 1.0

--e1a5b3c2-7f0d-4c3e-9a61-0c9d5e1f2a3b
Content-Type: multipart/alternative; differences=Content-Type;
\tboundary="f7c6d5e4-2b1a-4098-8f7e-6d5c4b3a2910"

--f7c6d5e4-2b1a-4098-8f7e-6d5c4b3a2910
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

Your message to {recipient} couldn't be delivered.
{recipient.split("@")[0]} wasn't found at gemeente-voorbeeld.nl.

secretariaat    Office 365    {recipient.split("@")[0]}
Action Required                 Recipient
Unknown To address

How to Fix It
The address may be misspelled or may not exist.

Diagnostic information for administrators:

Generating server: AM9PR01MB7297.eurprd01.prod.exchangelabs.com

{recipient}
Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient=
 not found by SMTP address lookup'

--f7c6d5e4-2b1a-4098-8f7e-6d5c4b3a2910
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

<html><body><p>Your message to {recipient} couldn't be delivered.</p></body></html>

--f7c6d5e4-2b1a-4098-8f7e-6d5c4b3a2910--

--e1a5b3c2-7f0d-4c3e-9a61-0c9d5e1f2a3b
Content-Type: message/delivery-status

Reporting-MTA: dns;AM9PR01MB7297.eurprd01.prod.exchangelabs.com
Received-From-MTA: dns;mail.vzhg.nl
Arrival-Date: Sun, 29 Nov 2026 09:00:04 +0000

Final-Recipient: rfc822;{recipient}
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup

--e1a5b3c2-7f0d-4c3e-9a61-0c9d5e1f2a3b
Content-Type: message/rfc822

{ORIGINAL.format(envelope=envelope, recipient=recipient)}
Uitnodiging.

--e1a5b3c2-7f0d-4c3e-9a61-0c9d5e1f2a3b--
""")


def exchange_classic(*, envelope: str, recipient: str) -> bytes:
    """An older Exchange server's report: plain text only, no delivery-status part, no status code."""
    return _crlf(f"""\
Delivered-To: {envelope}
From: System Administrator <postmaster@gemeente-voorbeeld.nl>
To: {envelope}
Subject: Undeliverable: Uitnodiging congres
Date: Sun, 29 Nov 2026 10:00:07 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset="iso-8859-1"
X-Mailer: Internet Mail Service (5.5.2653.19)

Your message

  To:      {recipient}
  Subject: Uitnodiging congres
  Sent:    Sun, 29 Nov 2026 10:00:00 +0100

did not reach the following recipient(s):

{recipient} on Sun, 29 Nov 2026 10:00:07 +0100
    The recipient name is not recognized
\tThe MTS-ID of the original message is: c=NL;a= ;p=Gemeente;l=EXCH01-261129090007Z-42
    MSEXCH:IMS:Gemeente:Voorbeeld:EXCH01 0 (000C05A6) Unknown Recipient
""")


def gmail_not_found(*, envelope: str, recipient: str) -> bytes:
    """Gmail's "Address not found" (Delivery Status Notification (Failure))."""
    return _crlf(f"""\
Delivered-To: {envelope}
Received: by 2002:a05:6a10:1a4d:b0:5d1:8c3e:9f20 with SMTP id k13csp1234567pxb;
        Sun, 29 Nov 2026 01:00:09 -0800 (PST)
Return-Path: <>
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: {envelope}
Auto-Submitted: auto-replied
Subject: Delivery Status Notification (Failure)
References: <175000000.1.42@vzhg.nl>
In-Reply-To: <175000000.1.42@vzhg.nl>
X-Failed-Recipients: {recipient}
Message-ID: <6568a1b2.050a0220.3f1c.7d2aSMTPIN_ADDED_MISSING@mx.google.com>
Date: Sun, 29 Nov 2026 01:00:09 -0800 (PST)
MIME-Version: 1.0
Content-Type: multipart/report; boundary="000000000000a1b2c3d4e5f60718"; report-type=delivery-status

--000000000000a1b2c3d4e5f60718
Content-Type: multipart/related; boundary="000000000000a1b2c3d4e5f60729"

--000000000000a1b2c3d4e5f60729
Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f6073a"

--000000000000a1b2c3d4e5f6073a
Content-Type: text/plain; charset="UTF-8"


** Address not found **

Your message wasn't delivered to {recipient} because the address couldn't be \
found, or is unable to receive mail.

Learn more here: https://support.google.com/mail/?p=NoSuchUser

The response was:

The email account that you tried to reach does not exist. Please try \
double-checking the recipient's email address for typos or unnecessary spaces.

--000000000000a1b2c3d4e5f6073a
Content-Type: text/html; charset="UTF-8"

<html><body><h2>Address not found</h2></body></html>

--000000000000a1b2c3d4e5f6073a--
--000000000000a1b2c3d4e5f60729--
--000000000000a1b2c3d4e5f60718
Content-Type: message/delivery-status

Reporting-MTA: dns; googlemail.com
Received-From-MTA: dns; secretariaat@vzhg.nl
Arrival-Date: Sun, 29 Nov 2026 01:00:08 -0800 (PST)
X-Original-Message-ID: <175000000.1.42@vzhg.nl>

Final-Recipient: rfc822; {recipient}
Action: failed
Status: 5.1.1
Remote-MTA: dns; gmail-smtp-in.l.google.com. (2a00:1450:400c:c06::1b, the
 server for the domain gmail.com.)
Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try
 550-5.1.1 double-checking the recipient's email address for typos or
 550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser
 a1-20020a05600c000100b0040b3e1b2c3dsi1234567wmb.12 - gsmtp
Last-Attempt-Date: Sun, 29 Nov 2026 01:00:09 -0800 (PST)

--000000000000a1b2c3d4e5f60718
Content-Type: message/rfc822

{ORIGINAL.format(envelope=envelope, recipient=recipient)}
Uitnodiging.

--000000000000a1b2c3d4e5f60718--
""")


def unsubscribe_request(*, to: str, sender: str) -> bytes:
    """What a mail program sends for List-Unsubscribe's mailto: (RFC 2369)."""
    return _crlf(f"""\
Delivered-To: {to}
From: {sender}
To: {to}
Subject: unsubscribe
Date: Sun, 29 Nov 2026 11:00:00 +0100
Message-ID: <unsub-1@gemeente-voorbeeld.nl>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

This message was automatically generated by Mail to unsubscribe from a mailing list.
""")
