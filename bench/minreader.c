/* The floor for a single-stream FTP download, for bench/transfer.sh: a blocking client that logs
 * in, sends TYPE I and PASV, connects, sends RETR, and copies the data connection to a file with
 * 1 MiB read() and write() calls; nothing else (no TLS, no progress, no checks beyond the replies).
 *
 *   minreader HOST PORT USER PASSWORD REMOTE_PATH LOCAL_FILE
 *
 * Exits 0 when the server's final reply is 226 (or 250), 1 otherwise. Every socket has a 60 s
 * receive timeout, so it never hangs.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define BUF (1024 * 1024)

static int dial(const char *host, int port) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    struct timeval tv = {.tv_sec = 60};
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || inet_pton(AF_INET, host, &a.sin_addr) != 1) return -1;
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) return -1;
    return s;
}

/* Reads one reply (multi-line ones too, RFC 959 4.2) into line; returns its code or -1. */
static int reply(int s, char *line, size_t cap) {
    static char buf[8192];
    static size_t have;
    char code[4] = {0};
    for (;;) {
        char *nl = memchr(buf, '\n', have);
        if (!nl) {
            ssize_t n = read(s, buf + have, sizeof buf - have);
            if (n <= 0) return -1;
            have += (size_t)n;
            continue;
        }
        size_t len = (size_t)(nl - buf) + 1;
        snprintf(line, cap, "%.*s", (int)len, buf);
        memmove(buf, buf + len, have - len);
        have -= len;
        if (!code[0] && len >= 4) memcpy(code, line, 3);
        /* The last line of a reply is the code followed by a space. */
        if (len >= 4 && memcmp(line, code, 3) == 0 && line[3] == ' ') return atoi(code);
    }
}

static int command(int s, const char *verb, const char *arg, char *line, size_t cap) {
    char out[1024];
    int n = snprintf(out, sizeof out, arg ? "%s %s\r\n" : "%s\r\n", verb, arg);
    if (write(s, out, (size_t)n) != n) return -1;
    return reply(s, line, cap);
}

int main(int argc, char **argv) {
    char line[1024] = "connect\n";
    unsigned h1, h2, h3, h4, p1, p2;
    if (argc != 7) {
        fprintf(stderr, "usage: minreader HOST PORT USER PASSWORD REMOTE_PATH LOCAL_FILE\n");
        return 2;
    }
    int c = dial(argv[1], atoi(argv[2]));
    if (c < 0 || reply(c, line, sizeof line) != 220) goto fail;
    int code = command(c, "USER", argv[3], line, sizeof line);
    if (code == 331) code = command(c, "PASS", argv[4], line, sizeof line);
    if (code != 230) goto fail;
    if (command(c, "TYPE", "I", line, sizeof line) != 200) goto fail;
    if (command(c, "PASV", NULL, line, sizeof line) != 227) goto fail;
    char *p = strchr(line, '(');
    if (!p || sscanf(p, "(%u,%u,%u,%u,%u,%u)", &h1, &h2, &h3, &h4, &p1, &p2) != 6) goto fail;
    char host[64];
    snprintf(host, sizeof host, "%u.%u.%u.%u", h1, h2, h3, h4);
    int d = dial(host, (int)(p1 * 256 + p2));
    if (d < 0) goto fail;
    code = command(c, "RETR", argv[5], line, sizeof line);
    if (code != 150 && code != 125) goto fail;
    int f = open(argv[6], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    char *buf = malloc(BUF);
    if (f < 0 || !buf) goto fail;
    for (;;) {
        ssize_t n = read(d, buf, BUF);
        if (n < 0) goto fail;
        if (n == 0) break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(f, buf + off, (size_t)(n - off));
            if (w <= 0) goto fail;
            off += w;
        }
    }
    close(d);
    if (close(f) < 0) goto fail;
    code = reply(c, line, sizeof line);
    if (code != 226 && code != 250) goto fail;
    command(c, "QUIT", NULL, line, sizeof line);
    return 0;
fail:
    fprintf(stderr, "minreader: failed at: %s", line);
    return 1;
}
