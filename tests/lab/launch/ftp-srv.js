// ftp-srv (npm) for the lab: one user, one directory.
//
// Usage: node ftp-srv.js PORT PASV_LO PASV_HI ROOT USER PASSWORD
//
// Listens on 127.0.0.1:PORT. What sets it apart (tests/lab/README.md): each EPSV/PASV opens a new
// listener in the passive range and keeps the one before it until a data connection to it closes
// or 30 s pass, so on a small range (the lab gives it four ports) a client that asks for passive
// replies it does not use runs the range dry. Its FEAT offers AUTH TLS, which it cannot do
// without a certificate (502).
const { FtpSrv } = require('ftp-srv');

const [port, lo, hi, root, user, password] = process.argv.slice(2);
const server = new FtpSrv({
  url: `ftp://127.0.0.1:${port}`,
  pasv_url: '127.0.0.1',
  pasv_min: Number(lo),
  pasv_max: Number(hi),
  anonymous: false,
});
server.on('login', ({ username, password: given }, resolve, reject) => {
  if (username === user && given === password) {
    resolve({ root });
  } else {
    reject(new Error('login incorrect'));
  }
});
server.listen();
