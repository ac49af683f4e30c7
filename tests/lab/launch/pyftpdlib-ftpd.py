"""pyftpdlib as an RFC 959 server that predates EPRT, for the lab: one user, one directory.

Usage: python3 pyftpdlib-ftpd.py PORT PASV_LO PASV_HI ROOT USER PASSWORD

Listens on 127.0.0.1:PORT with the passive range PASV_LO..PASV_HI (the lab gives it two ports).
EPRT is taken out of the commands it knows, so it answers "500 Command not understood" and FEAT
does not list it, as a server without RFC 2428's active mode does; EPSV, PASV and PORT stay.
"""

import logging
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer

port, lo, hi, root, user, password = sys.argv[1:7]

authorizer = DummyAuthorizer()
authorizer.add_user(user, password, root, perm="elradfmwMT")


class Handler(FTPHandler):
    proto_cmds = {k: v for k, v in FTPHandler.proto_cmds.items() if k != "EPRT"}


Handler.authorizer = authorizer
Handler.passive_ports = range(int(lo), int(hi) + 1)
logging.basicConfig(level=logging.INFO, stream=sys.stderr)
FTPServer(("127.0.0.1", int(port)), Handler).serve_forever()
