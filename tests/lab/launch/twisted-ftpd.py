"""Twisted's FTP server (twisted.protocols.ftp) for the lab: one user, one directory.

Usage: python3 twisted-ftpd.py PORT PASV_LO PASV_HI ROOT USER PASSWORD

Listens on 127.0.0.1:PORT. What sets it apart from the Debian servers (tests/lab/README.md):
it reads the next command only once the data connection of the last EPSV/PASV has arrived or
failed, it has no REST, APPE or ABOR, and its FEAT lists neither EPSV nor EPRT (it has both).
"""

import sys

from twisted.cred.checkers import InMemoryUsernamePasswordDatabaseDontUse
from twisted.cred.portal import IRealm, Portal
from twisted.internet import reactor
from twisted.protocols.ftp import FTPFactory, FTPShell, IFTPShell
from twisted.python.filepath import FilePath
from zope.interface import implementer

port, lo, hi, root, user, password = sys.argv[1:7]


@implementer(IRealm)
class Realm:
    """Every login lands in ROOT (the lab's served directory), which is its "/"."""

    def requestAvatar(self, avatar_id, mind, *interfaces):
        return IFTPShell, FTPShell(FilePath(root)), lambda: None


checker = InMemoryUsernamePasswordDatabaseDontUse()
checker.addUser(user, password)
factory = FTPFactory(Portal(Realm(), [checker]))
factory.allowAnonymous = False
factory.passivePortRange = range(int(lo), int(hi) + 1)
reactor.listenTCP(int(port), factory, interface="127.0.0.1")
reactor.run()
