# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_ftpx_global_optspecs
    string join \n u/user= netrc-file= mode= pasv-address= active-address= active-ports= connect-timeout= timeout= d/debug explain trace= q/quiet tls tls-data= cacert= k/insecure tls-max= keep-going h/help V/version
end

function __fish_ftpx_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_ftpx_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_ftpx_using_subcommand
    set -l cmd (__fish_ftpx_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c ftpx -n "__fish_ftpx_needs_command" -s u -l user -d 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal' -r
complete -c ftpx -n "__fish_ftpx_needs_command" -l netrc-file -d 'Read credentials from this netrc file instead of ~/.netrc' -r -F
complete -c ftpx -n "__fish_ftpx_needs_command" -l mode -d 'Data-connection mode: auto tries passive, then active' -r -f -a "auto\t'Passive (EPSV, then PASV), then active (EPRT, then PORT)'
passive\t'EPSV, then PASV'
active\t'EPRT, then PORT'
epsv\t'EPSV only'
pasv\t'PASV only'
eprt\t'EPRT only'
port\t'PORT only'"
complete -c ftpx -n "__fish_ftpx_needs_command" -l pasv-address -d 'Address for PASV data connections: the control connection\'s peer, or the one the server advertised' -r -f -a "peer\t'Connect to the control connection\'s peer address with the advertised port (safe)'
trust\t'Connect to the address the server advertised in its 227 reply'"
complete -c ftpx -n "__fish_ftpx_needs_command" -l active-address -d 'Address to advertise in PORT/EPRT instead of the control connection\'s local address' -r
complete -c ftpx -n "__fish_ftpx_needs_command" -l active-ports -d 'Port range to listen on for active data connections' -r
complete -c ftpx -n "__fish_ftpx_needs_command" -l connect-timeout -d 'Seconds allowed for each TCP connect and TLS handshake' -r
complete -c ftpx -n "__fish_ftpx_needs_command" -l timeout -d 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer' -r
complete -c ftpx -n "__fish_ftpx_needs_command" -l trace -d 'Write a timestamped transcript of every connection to FILE' -r -F
complete -c ftpx -n "__fish_ftpx_needs_command" -l tls-data -d 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)' -r -f -a "private\t'PROT P: data connections in TLS'
clear\t'PROT C: data connections in the clear (the control connection stays in TLS)'"
complete -c ftpx -n "__fish_ftpx_needs_command" -l cacert -d 'Trust the CA certificates in this PEM file, in addition to the system\'s' -r -F
complete -c ftpx -n "__fish_ftpx_needs_command" -l tls-max -d 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)' -r -f -a "1.2\t''
1.3\t''"
complete -c ftpx -n "__fish_ftpx_needs_command" -s d -l debug -d 'Print the control conversation and data-connection events on stderr'
complete -c ftpx -n "__fish_ftpx_needs_command" -l explain -d 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean'
complete -c ftpx -n "__fish_ftpx_needs_command" -s q -l quiet -d 'No progress bar or summary line'
complete -c ftpx -n "__fish_ftpx_needs_command" -l tls -d 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)'
complete -c ftpx -n "__fish_ftpx_needs_command" -s k -l insecure -d 'Do not verify the server\'s certificate (warns every time)'
complete -c ftpx -n "__fish_ftpx_needs_command" -l keep-going -d 'In a script piped to the shell, run every line even after one fails (the exit status is still the first failure\'s)'
complete -c ftpx -n "__fish_ftpx_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpx -n "__fish_ftpx_needs_command" -s V -l version -d 'Print version'
complete -c ftpx -n "__fish_ftpx_needs_command" -a "ls" -d 'List a remote directory (the server\'s LIST lines)'
complete -c ftpx -n "__fish_ftpx_needs_command" -a "dir" -d 'List a remote directory (the server\'s LIST lines)'
complete -c ftpx -n "__fish_ftpx_needs_command" -a "get" -d 'Download files'
complete -c ftpx -n "__fish_ftpx_needs_command" -a "put" -d 'Upload files'
complete -c ftpx -n "__fish_ftpx_needs_command" -a "rm" -d 'Delete remote files'
complete -c ftpx -n "__fish_ftpx_needs_command" -a "delete" -d 'Delete remote files'
complete -c ftpx -n "__fish_ftpx_needs_command" -a "mkdir" -d 'Create a remote directory'
complete -c ftpx -n "__fish_ftpx_needs_command" -a "rmdir" -d 'Remove an empty remote directory'
complete -c ftpx -n "__fish_ftpx_needs_command" -a "mv" -d 'Rename or move a remote file'
complete -c ftpx -n "__fish_ftpx_needs_command" -a "rename" -d 'Rename or move a remote file'
complete -c ftpx -n "__fish_ftpx_needs_command" -a "quote" -d 'Send a raw command and print the reply; the exit status follows the reply\'s class'
complete -c ftpx -n "__fish_ftpx_needs_command" -a "probe" -d 'Test EPSV, PASV, EPRT and PORT against the server at once, and explain what gets through'
complete -c ftpx -n "__fish_ftpx_needs_command" -a "shell" -d 'Start the interactive shell, connected to URL if given (the same as ftpx [URL])'
complete -c ftpx -n "__fish_ftpx_needs_command" -a "serve" -d 'Serve a directory over FTP and FTPS: read-only and anonymous unless told otherwise'
complete -c ftpx -n "__fish_ftpx_needs_command" -a "demo" -d 'Try ftpx without a server: serve a small generated tree on loopback, probe it, download and upload a file with the transcript shown, then stop (a few seconds, no network)'
complete -c ftpx -n "__fish_ftpx_needs_command" -a "mirror" -d 'Copy a remote directory tree down (or a local one up with --reverse), only what changed'
complete -c ftpx -n "__fish_ftpx_needs_command" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -s u -l user -d 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -l netrc-file -d 'Read credentials from this netrc file instead of ~/.netrc' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -l mode -d 'Data-connection mode: auto tries passive, then active' -r -f -a "auto\t'Passive (EPSV, then PASV), then active (EPRT, then PORT)'
passive\t'EPSV, then PASV'
active\t'EPRT, then PORT'
epsv\t'EPSV only'
pasv\t'PASV only'
eprt\t'EPRT only'
port\t'PORT only'"
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -l pasv-address -d 'Address for PASV data connections: the control connection\'s peer, or the one the server advertised' -r -f -a "peer\t'Connect to the control connection\'s peer address with the advertised port (safe)'
trust\t'Connect to the address the server advertised in its 227 reply'"
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -l active-address -d 'Address to advertise in PORT/EPRT instead of the control connection\'s local address' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -l active-ports -d 'Port range to listen on for active data connections' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -l connect-timeout -d 'Seconds allowed for each TCP connect and TLS handshake' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -l timeout -d 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -l trace -d 'Write a timestamped transcript of every connection to FILE' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -l tls-data -d 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)' -r -f -a "private\t'PROT P: data connections in TLS'
clear\t'PROT C: data connections in the clear (the control connection stays in TLS)'"
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -l cacert -d 'Trust the CA certificates in this PEM file, in addition to the system\'s' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -l tls-max -d 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)' -r -f -a "1.2\t''
1.3\t''"
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -s 1 -d 'Names only, one per line (NLST)'
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -l json -d 'Parsed entries as JSON (from MLSD when the server offers it, else LIST)'
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -l no-mlsd -d 'With --json: read LIST even when the server offers MLSD'
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -s d -l debug -d 'Print the control conversation and data-connection events on stderr'
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -l explain -d 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean'
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -s q -l quiet -d 'No progress bar or summary line'
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -l tls -d 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)'
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -s k -l insecure -d 'Do not verify the server\'s certificate (warns every time)'
complete -c ftpx -n "__fish_ftpx_using_subcommand ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -s u -l user -d 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -l netrc-file -d 'Read credentials from this netrc file instead of ~/.netrc' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -l mode -d 'Data-connection mode: auto tries passive, then active' -r -f -a "auto\t'Passive (EPSV, then PASV), then active (EPRT, then PORT)'
passive\t'EPSV, then PASV'
active\t'EPRT, then PORT'
epsv\t'EPSV only'
pasv\t'PASV only'
eprt\t'EPRT only'
port\t'PORT only'"
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -l pasv-address -d 'Address for PASV data connections: the control connection\'s peer, or the one the server advertised' -r -f -a "peer\t'Connect to the control connection\'s peer address with the advertised port (safe)'
trust\t'Connect to the address the server advertised in its 227 reply'"
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -l active-address -d 'Address to advertise in PORT/EPRT instead of the control connection\'s local address' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -l active-ports -d 'Port range to listen on for active data connections' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -l connect-timeout -d 'Seconds allowed for each TCP connect and TLS handshake' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -l timeout -d 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -l trace -d 'Write a timestamped transcript of every connection to FILE' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -l tls-data -d 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)' -r -f -a "private\t'PROT P: data connections in TLS'
clear\t'PROT C: data connections in the clear (the control connection stays in TLS)'"
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -l cacert -d 'Trust the CA certificates in this PEM file, in addition to the system\'s' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -l tls-max -d 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)' -r -f -a "1.2\t''
1.3\t''"
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -s 1 -d 'Names only, one per line (NLST)'
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -l json -d 'Parsed entries as JSON (from MLSD when the server offers it, else LIST)'
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -l no-mlsd -d 'With --json: read LIST even when the server offers MLSD'
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -s d -l debug -d 'Print the control conversation and data-connection events on stderr'
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -l explain -d 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean'
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -s q -l quiet -d 'No progress bar or summary line'
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -l tls -d 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)'
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -s k -l insecure -d 'Do not verify the server\'s certificate (warns every time)'
complete -c ftpx -n "__fish_ftpx_using_subcommand dir" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -s o -l output -d 'Write to PATH (a file, a directory ending in \'/\' or existing, or \'-\' for stdout)' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l segments -d 'Fetch one file in N ranges at once over N sessions (for servers that limit each session\'s rate); small files and servers without REST get one stream. --retry retries each range from where it got to' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l retry -d 'After a transient failure (connection reset or closed, timeout, 421 busy, 4xx), try again up to N times, resuming where the transfer stopped; 5xx refusals, bad credentials and missing files are not retried. Default 0, as in curl: in CI use e.g. --retry 5' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l retry-delay -d 'Seconds before the first retry; each next wait doubles (up to 60 s), with jitter' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l retry-max-time -d 'Start no retry after this many seconds since the first attempt (default: no limit)' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l limit-rate -d 'Cap the transfer rate: bytes per second, or with a suffix k, M or G (1024-based), e.g. 500k' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -s u -l user -d 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l netrc-file -d 'Read credentials from this netrc file instead of ~/.netrc' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l mode -d 'Data-connection mode: auto tries passive, then active' -r -f -a "auto\t'Passive (EPSV, then PASV), then active (EPRT, then PORT)'
passive\t'EPSV, then PASV'
active\t'EPRT, then PORT'
epsv\t'EPSV only'
pasv\t'PASV only'
eprt\t'EPRT only'
port\t'PORT only'"
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l pasv-address -d 'Address for PASV data connections: the control connection\'s peer, or the one the server advertised' -r -f -a "peer\t'Connect to the control connection\'s peer address with the advertised port (safe)'
trust\t'Connect to the address the server advertised in its 227 reply'"
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l active-address -d 'Address to advertise in PORT/EPRT instead of the control connection\'s local address' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l active-ports -d 'Port range to listen on for active data connections' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l connect-timeout -d 'Seconds allowed for each TCP connect and TLS handshake' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l timeout -d 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l trace -d 'Write a timestamped transcript of every connection to FILE' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l tls-data -d 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)' -r -f -a "private\t'PROT P: data connections in TLS'
clear\t'PROT C: data connections in the clear (the control connection stays in TLS)'"
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l cacert -d 'Trust the CA certificates in this PEM file, in addition to the system\'s' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l tls-max -d 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)' -r -f -a "1.2\t''
1.3\t''"
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -s c -l continue -d 'Resume from NAME.part (or NAME) with REST'
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l ascii -d 'Transfer in ASCII mode (TYPE A) instead of binary'
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l json -d 'Print one JSON object at the end: per file the outcome, bytes, seconds, rate, mode, retries and the offset it resumed from, and the exit code'
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -s d -l debug -d 'Print the control conversation and data-connection events on stderr'
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l explain -d 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean'
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -s q -l quiet -d 'No progress bar or summary line'
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -l tls -d 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)'
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -s k -l insecure -d 'Do not verify the server\'s certificate (warns every time)'
complete -c ftpx -n "__fish_ftpx_using_subcommand get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l retry -d 'After a transient failure (connection reset or closed, timeout, 421 busy, 4xx), try again up to N times, resuming where the transfer stopped; 5xx refusals, bad credentials and missing files are not retried. Default 0, as in curl: in CI use e.g. --retry 5' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l retry-delay -d 'Seconds before the first retry; each next wait doubles (up to 60 s), with jitter' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l retry-max-time -d 'Start no retry after this many seconds since the first attempt (default: no limit)' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l limit-rate -d 'Cap the transfer rate: bytes per second, or with a suffix k, M or G (1024-based), e.g. 500k' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -s u -l user -d 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l netrc-file -d 'Read credentials from this netrc file instead of ~/.netrc' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l mode -d 'Data-connection mode: auto tries passive, then active' -r -f -a "auto\t'Passive (EPSV, then PASV), then active (EPRT, then PORT)'
passive\t'EPSV, then PASV'
active\t'EPRT, then PORT'
epsv\t'EPSV only'
pasv\t'PASV only'
eprt\t'EPRT only'
port\t'PORT only'"
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l pasv-address -d 'Address for PASV data connections: the control connection\'s peer, or the one the server advertised' -r -f -a "peer\t'Connect to the control connection\'s peer address with the advertised port (safe)'
trust\t'Connect to the address the server advertised in its 227 reply'"
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l active-address -d 'Address to advertise in PORT/EPRT instead of the control connection\'s local address' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l active-ports -d 'Port range to listen on for active data connections' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l connect-timeout -d 'Seconds allowed for each TCP connect and TLS handshake' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l timeout -d 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l trace -d 'Write a timestamped transcript of every connection to FILE' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l tls-data -d 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)' -r -f -a "private\t'PROT P: data connections in TLS'
clear\t'PROT C: data connections in the clear (the control connection stays in TLS)'"
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l cacert -d 'Trust the CA certificates in this PEM file, in addition to the system\'s' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l tls-max -d 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)' -r -f -a "1.2\t''
1.3\t''"
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -s c -l continue -d 'Resume: append what the server does not have yet (SIZE, then APPE)'
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l ascii -d 'Transfer in ASCII mode (TYPE A) instead of binary'
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l json -d 'Print one JSON object at the end: per file the outcome, bytes, seconds, rate, mode, retries and the offset it resumed from, and the exit code'
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -s d -l debug -d 'Print the control conversation and data-connection events on stderr'
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l explain -d 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean'
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -s q -l quiet -d 'No progress bar or summary line'
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -l tls -d 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)'
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -s k -l insecure -d 'Do not verify the server\'s certificate (warns every time)'
complete -c ftpx -n "__fish_ftpx_using_subcommand put" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpx -n "__fish_ftpx_using_subcommand rm" -s u -l user -d 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand rm" -l netrc-file -d 'Read credentials from this netrc file instead of ~/.netrc' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand rm" -l mode -d 'Data-connection mode: auto tries passive, then active' -r -f -a "auto\t'Passive (EPSV, then PASV), then active (EPRT, then PORT)'
passive\t'EPSV, then PASV'
active\t'EPRT, then PORT'
epsv\t'EPSV only'
pasv\t'PASV only'
eprt\t'EPRT only'
port\t'PORT only'"
complete -c ftpx -n "__fish_ftpx_using_subcommand rm" -l pasv-address -d 'Address for PASV data connections: the control connection\'s peer, or the one the server advertised' -r -f -a "peer\t'Connect to the control connection\'s peer address with the advertised port (safe)'
trust\t'Connect to the address the server advertised in its 227 reply'"
complete -c ftpx -n "__fish_ftpx_using_subcommand rm" -l active-address -d 'Address to advertise in PORT/EPRT instead of the control connection\'s local address' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand rm" -l active-ports -d 'Port range to listen on for active data connections' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand rm" -l connect-timeout -d 'Seconds allowed for each TCP connect and TLS handshake' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand rm" -l timeout -d 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand rm" -l trace -d 'Write a timestamped transcript of every connection to FILE' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand rm" -l tls-data -d 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)' -r -f -a "private\t'PROT P: data connections in TLS'
clear\t'PROT C: data connections in the clear (the control connection stays in TLS)'"
complete -c ftpx -n "__fish_ftpx_using_subcommand rm" -l cacert -d 'Trust the CA certificates in this PEM file, in addition to the system\'s' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand rm" -l tls-max -d 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)' -r -f -a "1.2\t''
1.3\t''"
complete -c ftpx -n "__fish_ftpx_using_subcommand rm" -s d -l debug -d 'Print the control conversation and data-connection events on stderr'
complete -c ftpx -n "__fish_ftpx_using_subcommand rm" -l explain -d 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean'
complete -c ftpx -n "__fish_ftpx_using_subcommand rm" -s q -l quiet -d 'No progress bar or summary line'
complete -c ftpx -n "__fish_ftpx_using_subcommand rm" -l tls -d 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)'
complete -c ftpx -n "__fish_ftpx_using_subcommand rm" -s k -l insecure -d 'Do not verify the server\'s certificate (warns every time)'
complete -c ftpx -n "__fish_ftpx_using_subcommand rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpx -n "__fish_ftpx_using_subcommand delete" -s u -l user -d 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand delete" -l netrc-file -d 'Read credentials from this netrc file instead of ~/.netrc' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand delete" -l mode -d 'Data-connection mode: auto tries passive, then active' -r -f -a "auto\t'Passive (EPSV, then PASV), then active (EPRT, then PORT)'
passive\t'EPSV, then PASV'
active\t'EPRT, then PORT'
epsv\t'EPSV only'
pasv\t'PASV only'
eprt\t'EPRT only'
port\t'PORT only'"
complete -c ftpx -n "__fish_ftpx_using_subcommand delete" -l pasv-address -d 'Address for PASV data connections: the control connection\'s peer, or the one the server advertised' -r -f -a "peer\t'Connect to the control connection\'s peer address with the advertised port (safe)'
trust\t'Connect to the address the server advertised in its 227 reply'"
complete -c ftpx -n "__fish_ftpx_using_subcommand delete" -l active-address -d 'Address to advertise in PORT/EPRT instead of the control connection\'s local address' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand delete" -l active-ports -d 'Port range to listen on for active data connections' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand delete" -l connect-timeout -d 'Seconds allowed for each TCP connect and TLS handshake' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand delete" -l timeout -d 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand delete" -l trace -d 'Write a timestamped transcript of every connection to FILE' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand delete" -l tls-data -d 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)' -r -f -a "private\t'PROT P: data connections in TLS'
clear\t'PROT C: data connections in the clear (the control connection stays in TLS)'"
complete -c ftpx -n "__fish_ftpx_using_subcommand delete" -l cacert -d 'Trust the CA certificates in this PEM file, in addition to the system\'s' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand delete" -l tls-max -d 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)' -r -f -a "1.2\t''
1.3\t''"
complete -c ftpx -n "__fish_ftpx_using_subcommand delete" -s d -l debug -d 'Print the control conversation and data-connection events on stderr'
complete -c ftpx -n "__fish_ftpx_using_subcommand delete" -l explain -d 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean'
complete -c ftpx -n "__fish_ftpx_using_subcommand delete" -s q -l quiet -d 'No progress bar or summary line'
complete -c ftpx -n "__fish_ftpx_using_subcommand delete" -l tls -d 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)'
complete -c ftpx -n "__fish_ftpx_using_subcommand delete" -s k -l insecure -d 'Do not verify the server\'s certificate (warns every time)'
complete -c ftpx -n "__fish_ftpx_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -s u -l user -d 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -l netrc-file -d 'Read credentials from this netrc file instead of ~/.netrc' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -l mode -d 'Data-connection mode: auto tries passive, then active' -r -f -a "auto\t'Passive (EPSV, then PASV), then active (EPRT, then PORT)'
passive\t'EPSV, then PASV'
active\t'EPRT, then PORT'
epsv\t'EPSV only'
pasv\t'PASV only'
eprt\t'EPRT only'
port\t'PORT only'"
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -l pasv-address -d 'Address for PASV data connections: the control connection\'s peer, or the one the server advertised' -r -f -a "peer\t'Connect to the control connection\'s peer address with the advertised port (safe)'
trust\t'Connect to the address the server advertised in its 227 reply'"
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -l active-address -d 'Address to advertise in PORT/EPRT instead of the control connection\'s local address' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -l active-ports -d 'Port range to listen on for active data connections' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -l connect-timeout -d 'Seconds allowed for each TCP connect and TLS handshake' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -l timeout -d 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -l trace -d 'Write a timestamped transcript of every connection to FILE' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -l tls-data -d 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)' -r -f -a "private\t'PROT P: data connections in TLS'
clear\t'PROT C: data connections in the clear (the control connection stays in TLS)'"
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -l cacert -d 'Trust the CA certificates in this PEM file, in addition to the system\'s' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -l tls-max -d 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)' -r -f -a "1.2\t''
1.3\t''"
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -s p -l parents -d 'Create missing parents too, and succeed if the directory exists'
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -s d -l debug -d 'Print the control conversation and data-connection events on stderr'
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -l explain -d 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean'
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -s q -l quiet -d 'No progress bar or summary line'
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -l tls -d 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)'
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -s k -l insecure -d 'Do not verify the server\'s certificate (warns every time)'
complete -c ftpx -n "__fish_ftpx_using_subcommand mkdir" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpx -n "__fish_ftpx_using_subcommand rmdir" -s u -l user -d 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand rmdir" -l netrc-file -d 'Read credentials from this netrc file instead of ~/.netrc' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand rmdir" -l mode -d 'Data-connection mode: auto tries passive, then active' -r -f -a "auto\t'Passive (EPSV, then PASV), then active (EPRT, then PORT)'
passive\t'EPSV, then PASV'
active\t'EPRT, then PORT'
epsv\t'EPSV only'
pasv\t'PASV only'
eprt\t'EPRT only'
port\t'PORT only'"
complete -c ftpx -n "__fish_ftpx_using_subcommand rmdir" -l pasv-address -d 'Address for PASV data connections: the control connection\'s peer, or the one the server advertised' -r -f -a "peer\t'Connect to the control connection\'s peer address with the advertised port (safe)'
trust\t'Connect to the address the server advertised in its 227 reply'"
complete -c ftpx -n "__fish_ftpx_using_subcommand rmdir" -l active-address -d 'Address to advertise in PORT/EPRT instead of the control connection\'s local address' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand rmdir" -l active-ports -d 'Port range to listen on for active data connections' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand rmdir" -l connect-timeout -d 'Seconds allowed for each TCP connect and TLS handshake' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand rmdir" -l timeout -d 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand rmdir" -l trace -d 'Write a timestamped transcript of every connection to FILE' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand rmdir" -l tls-data -d 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)' -r -f -a "private\t'PROT P: data connections in TLS'
clear\t'PROT C: data connections in the clear (the control connection stays in TLS)'"
complete -c ftpx -n "__fish_ftpx_using_subcommand rmdir" -l cacert -d 'Trust the CA certificates in this PEM file, in addition to the system\'s' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand rmdir" -l tls-max -d 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)' -r -f -a "1.2\t''
1.3\t''"
complete -c ftpx -n "__fish_ftpx_using_subcommand rmdir" -s d -l debug -d 'Print the control conversation and data-connection events on stderr'
complete -c ftpx -n "__fish_ftpx_using_subcommand rmdir" -l explain -d 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean'
complete -c ftpx -n "__fish_ftpx_using_subcommand rmdir" -s q -l quiet -d 'No progress bar or summary line'
complete -c ftpx -n "__fish_ftpx_using_subcommand rmdir" -l tls -d 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)'
complete -c ftpx -n "__fish_ftpx_using_subcommand rmdir" -s k -l insecure -d 'Do not verify the server\'s certificate (warns every time)'
complete -c ftpx -n "__fish_ftpx_using_subcommand rmdir" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpx -n "__fish_ftpx_using_subcommand mv" -s u -l user -d 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mv" -l netrc-file -d 'Read credentials from this netrc file instead of ~/.netrc' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand mv" -l mode -d 'Data-connection mode: auto tries passive, then active' -r -f -a "auto\t'Passive (EPSV, then PASV), then active (EPRT, then PORT)'
passive\t'EPSV, then PASV'
active\t'EPRT, then PORT'
epsv\t'EPSV only'
pasv\t'PASV only'
eprt\t'EPRT only'
port\t'PORT only'"
complete -c ftpx -n "__fish_ftpx_using_subcommand mv" -l pasv-address -d 'Address for PASV data connections: the control connection\'s peer, or the one the server advertised' -r -f -a "peer\t'Connect to the control connection\'s peer address with the advertised port (safe)'
trust\t'Connect to the address the server advertised in its 227 reply'"
complete -c ftpx -n "__fish_ftpx_using_subcommand mv" -l active-address -d 'Address to advertise in PORT/EPRT instead of the control connection\'s local address' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mv" -l active-ports -d 'Port range to listen on for active data connections' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mv" -l connect-timeout -d 'Seconds allowed for each TCP connect and TLS handshake' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mv" -l timeout -d 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mv" -l trace -d 'Write a timestamped transcript of every connection to FILE' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand mv" -l tls-data -d 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)' -r -f -a "private\t'PROT P: data connections in TLS'
clear\t'PROT C: data connections in the clear (the control connection stays in TLS)'"
complete -c ftpx -n "__fish_ftpx_using_subcommand mv" -l cacert -d 'Trust the CA certificates in this PEM file, in addition to the system\'s' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand mv" -l tls-max -d 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)' -r -f -a "1.2\t''
1.3\t''"
complete -c ftpx -n "__fish_ftpx_using_subcommand mv" -s d -l debug -d 'Print the control conversation and data-connection events on stderr'
complete -c ftpx -n "__fish_ftpx_using_subcommand mv" -l explain -d 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean'
complete -c ftpx -n "__fish_ftpx_using_subcommand mv" -s q -l quiet -d 'No progress bar or summary line'
complete -c ftpx -n "__fish_ftpx_using_subcommand mv" -l tls -d 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)'
complete -c ftpx -n "__fish_ftpx_using_subcommand mv" -s k -l insecure -d 'Do not verify the server\'s certificate (warns every time)'
complete -c ftpx -n "__fish_ftpx_using_subcommand mv" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpx -n "__fish_ftpx_using_subcommand rename" -s u -l user -d 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand rename" -l netrc-file -d 'Read credentials from this netrc file instead of ~/.netrc' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand rename" -l mode -d 'Data-connection mode: auto tries passive, then active' -r -f -a "auto\t'Passive (EPSV, then PASV), then active (EPRT, then PORT)'
passive\t'EPSV, then PASV'
active\t'EPRT, then PORT'
epsv\t'EPSV only'
pasv\t'PASV only'
eprt\t'EPRT only'
port\t'PORT only'"
complete -c ftpx -n "__fish_ftpx_using_subcommand rename" -l pasv-address -d 'Address for PASV data connections: the control connection\'s peer, or the one the server advertised' -r -f -a "peer\t'Connect to the control connection\'s peer address with the advertised port (safe)'
trust\t'Connect to the address the server advertised in its 227 reply'"
complete -c ftpx -n "__fish_ftpx_using_subcommand rename" -l active-address -d 'Address to advertise in PORT/EPRT instead of the control connection\'s local address' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand rename" -l active-ports -d 'Port range to listen on for active data connections' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand rename" -l connect-timeout -d 'Seconds allowed for each TCP connect and TLS handshake' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand rename" -l timeout -d 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand rename" -l trace -d 'Write a timestamped transcript of every connection to FILE' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand rename" -l tls-data -d 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)' -r -f -a "private\t'PROT P: data connections in TLS'
clear\t'PROT C: data connections in the clear (the control connection stays in TLS)'"
complete -c ftpx -n "__fish_ftpx_using_subcommand rename" -l cacert -d 'Trust the CA certificates in this PEM file, in addition to the system\'s' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand rename" -l tls-max -d 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)' -r -f -a "1.2\t''
1.3\t''"
complete -c ftpx -n "__fish_ftpx_using_subcommand rename" -s d -l debug -d 'Print the control conversation and data-connection events on stderr'
complete -c ftpx -n "__fish_ftpx_using_subcommand rename" -l explain -d 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean'
complete -c ftpx -n "__fish_ftpx_using_subcommand rename" -s q -l quiet -d 'No progress bar or summary line'
complete -c ftpx -n "__fish_ftpx_using_subcommand rename" -l tls -d 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)'
complete -c ftpx -n "__fish_ftpx_using_subcommand rename" -s k -l insecure -d 'Do not verify the server\'s certificate (warns every time)'
complete -c ftpx -n "__fish_ftpx_using_subcommand rename" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpx -n "__fish_ftpx_using_subcommand quote" -s u -l user -d 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand quote" -l netrc-file -d 'Read credentials from this netrc file instead of ~/.netrc' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand quote" -l mode -d 'Data-connection mode: auto tries passive, then active' -r -f -a "auto\t'Passive (EPSV, then PASV), then active (EPRT, then PORT)'
passive\t'EPSV, then PASV'
active\t'EPRT, then PORT'
epsv\t'EPSV only'
pasv\t'PASV only'
eprt\t'EPRT only'
port\t'PORT only'"
complete -c ftpx -n "__fish_ftpx_using_subcommand quote" -l pasv-address -d 'Address for PASV data connections: the control connection\'s peer, or the one the server advertised' -r -f -a "peer\t'Connect to the control connection\'s peer address with the advertised port (safe)'
trust\t'Connect to the address the server advertised in its 227 reply'"
complete -c ftpx -n "__fish_ftpx_using_subcommand quote" -l active-address -d 'Address to advertise in PORT/EPRT instead of the control connection\'s local address' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand quote" -l active-ports -d 'Port range to listen on for active data connections' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand quote" -l connect-timeout -d 'Seconds allowed for each TCP connect and TLS handshake' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand quote" -l timeout -d 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand quote" -l trace -d 'Write a timestamped transcript of every connection to FILE' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand quote" -l tls-data -d 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)' -r -f -a "private\t'PROT P: data connections in TLS'
clear\t'PROT C: data connections in the clear (the control connection stays in TLS)'"
complete -c ftpx -n "__fish_ftpx_using_subcommand quote" -l cacert -d 'Trust the CA certificates in this PEM file, in addition to the system\'s' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand quote" -l tls-max -d 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)' -r -f -a "1.2\t''
1.3\t''"
complete -c ftpx -n "__fish_ftpx_using_subcommand quote" -s d -l debug -d 'Print the control conversation and data-connection events on stderr'
complete -c ftpx -n "__fish_ftpx_using_subcommand quote" -l explain -d 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean'
complete -c ftpx -n "__fish_ftpx_using_subcommand quote" -s q -l quiet -d 'No progress bar or summary line'
complete -c ftpx -n "__fish_ftpx_using_subcommand quote" -l tls -d 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)'
complete -c ftpx -n "__fish_ftpx_using_subcommand quote" -s k -l insecure -d 'Do not verify the server\'s certificate (warns every time)'
complete -c ftpx -n "__fish_ftpx_using_subcommand quote" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -l path -d 'Directory to list in each attempt (default: the URL\'s path, or the login directory)' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -s u -l user -d 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -l netrc-file -d 'Read credentials from this netrc file instead of ~/.netrc' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -l mode -d 'Data-connection mode: auto tries passive, then active' -r -f -a "auto\t'Passive (EPSV, then PASV), then active (EPRT, then PORT)'
passive\t'EPSV, then PASV'
active\t'EPRT, then PORT'
epsv\t'EPSV only'
pasv\t'PASV only'
eprt\t'EPRT only'
port\t'PORT only'"
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -l pasv-address -d 'Address for PASV data connections: the control connection\'s peer, or the one the server advertised' -r -f -a "peer\t'Connect to the control connection\'s peer address with the advertised port (safe)'
trust\t'Connect to the address the server advertised in its 227 reply'"
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -l active-address -d 'Address to advertise in PORT/EPRT instead of the control connection\'s local address' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -l active-ports -d 'Port range to listen on for active data connections' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -l connect-timeout -d 'Seconds allowed for each TCP connect and TLS handshake' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -l timeout -d 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -l trace -d 'Write a timestamped transcript of every connection to FILE' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -l tls-data -d 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)' -r -f -a "private\t'PROT P: data connections in TLS'
clear\t'PROT C: data connections in the clear (the control connection stays in TLS)'"
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -l cacert -d 'Trust the CA certificates in this PEM file, in addition to the system\'s' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -l tls-max -d 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)' -r -f -a "1.2\t''
1.3\t''"
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -l json -d 'Print one JSON object instead of the report'
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -s d -l debug -d 'Print the control conversation and data-connection events on stderr'
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -l explain -d 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean'
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -s q -l quiet -d 'No progress bar or summary line'
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -l tls -d 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)'
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -s k -l insecure -d 'Do not verify the server\'s certificate (warns every time)'
complete -c ftpx -n "__fish_ftpx_using_subcommand probe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -s u -l user -d 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -l netrc-file -d 'Read credentials from this netrc file instead of ~/.netrc' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -l mode -d 'Data-connection mode: auto tries passive, then active' -r -f -a "auto\t'Passive (EPSV, then PASV), then active (EPRT, then PORT)'
passive\t'EPSV, then PASV'
active\t'EPRT, then PORT'
epsv\t'EPSV only'
pasv\t'PASV only'
eprt\t'EPRT only'
port\t'PORT only'"
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -l pasv-address -d 'Address for PASV data connections: the control connection\'s peer, or the one the server advertised' -r -f -a "peer\t'Connect to the control connection\'s peer address with the advertised port (safe)'
trust\t'Connect to the address the server advertised in its 227 reply'"
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -l active-address -d 'Address to advertise in PORT/EPRT instead of the control connection\'s local address' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -l active-ports -d 'Port range to listen on for active data connections' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -l connect-timeout -d 'Seconds allowed for each TCP connect and TLS handshake' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -l timeout -d 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -l trace -d 'Write a timestamped transcript of every connection to FILE' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -l tls-data -d 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)' -r -f -a "private\t'PROT P: data connections in TLS'
clear\t'PROT C: data connections in the clear (the control connection stays in TLS)'"
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -l cacert -d 'Trust the CA certificates in this PEM file, in addition to the system\'s' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -l tls-max -d 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)' -r -f -a "1.2\t''
1.3\t''"
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -l keep-going -d 'In a script piped to the shell, run every line even after one fails (the exit status is still the first failure\'s)'
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -s d -l debug -d 'Print the control conversation and data-connection events on stderr'
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -l explain -d 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean'
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -s q -l quiet -d 'No progress bar or summary line'
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -l tls -d 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)'
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -s k -l insecure -d 'Do not verify the server\'s certificate (warns every time)'
complete -c ftpx -n "__fish_ftpx_using_subcommand shell" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l listen -d 'Address and port to listen on (default: 127.0.0.1 and a free port); an address other than loopback lets other machines in, and warns' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l implicit-listen -d 'Address and port for implicit FTPS (ftps://: TLS from the first byte, as on port 990) (default: the --listen address and a free port)' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l login -d 'Require this user (password from FTPX_SERVE_PASSWORD, or generated and printed once) instead of anonymous logins' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l pasv-ports -d 'Ports for passive data connections (default: any free port)' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l public-address -d 'The address PASV advertises, for a server behind NAT (default: the address the client reached)' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l cert -d 'TLS certificate chain in PEM (default: a self-signed certificate made at start, its SHA-256 fingerprint printed)' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l key -d 'TLS private key in PEM, for --cert' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -s u -l user -d 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l netrc-file -d 'Read credentials from this netrc file instead of ~/.netrc' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l mode -d 'Data-connection mode: auto tries passive, then active' -r -f -a "auto\t'Passive (EPSV, then PASV), then active (EPRT, then PORT)'
passive\t'EPSV, then PASV'
active\t'EPRT, then PORT'
epsv\t'EPSV only'
pasv\t'PASV only'
eprt\t'EPRT only'
port\t'PORT only'"
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l pasv-address -d 'Address for PASV data connections: the control connection\'s peer, or the one the server advertised' -r -f -a "peer\t'Connect to the control connection\'s peer address with the advertised port (safe)'
trust\t'Connect to the address the server advertised in its 227 reply'"
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l active-address -d 'Address to advertise in PORT/EPRT instead of the control connection\'s local address' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l active-ports -d 'Port range to listen on for active data connections' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l connect-timeout -d 'Seconds allowed for each TCP connect and TLS handshake' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l timeout -d 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l trace -d 'Write a timestamped transcript of every connection to FILE' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l tls-data -d 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)' -r -f -a "private\t'PROT P: data connections in TLS'
clear\t'PROT C: data connections in the clear (the control connection stays in TLS)'"
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l cacert -d 'Trust the CA certificates in this PEM file, in addition to the system\'s' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l tls-max -d 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)' -r -f -a "1.2\t''
1.3\t''"
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l write -d 'Allow changes: uploads, deletes, renames, new and removed directories'
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -s d -l debug -d 'Print the control conversation and data-connection events on stderr'
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l explain -d 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean'
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -s q -l quiet -d 'No progress bar or summary line'
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -l tls -d 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)'
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -s k -l insecure -d 'Do not verify the server\'s certificate (warns every time)'
complete -c ftpx -n "__fish_ftpx_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpx -n "__fish_ftpx_using_subcommand demo" -s u -l user -d 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand demo" -l netrc-file -d 'Read credentials from this netrc file instead of ~/.netrc' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand demo" -l mode -d 'Data-connection mode: auto tries passive, then active' -r -f -a "auto\t'Passive (EPSV, then PASV), then active (EPRT, then PORT)'
passive\t'EPSV, then PASV'
active\t'EPRT, then PORT'
epsv\t'EPSV only'
pasv\t'PASV only'
eprt\t'EPRT only'
port\t'PORT only'"
complete -c ftpx -n "__fish_ftpx_using_subcommand demo" -l pasv-address -d 'Address for PASV data connections: the control connection\'s peer, or the one the server advertised' -r -f -a "peer\t'Connect to the control connection\'s peer address with the advertised port (safe)'
trust\t'Connect to the address the server advertised in its 227 reply'"
complete -c ftpx -n "__fish_ftpx_using_subcommand demo" -l active-address -d 'Address to advertise in PORT/EPRT instead of the control connection\'s local address' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand demo" -l active-ports -d 'Port range to listen on for active data connections' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand demo" -l connect-timeout -d 'Seconds allowed for each TCP connect and TLS handshake' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand demo" -l timeout -d 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand demo" -l trace -d 'Write a timestamped transcript of every connection to FILE' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand demo" -l tls-data -d 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)' -r -f -a "private\t'PROT P: data connections in TLS'
clear\t'PROT C: data connections in the clear (the control connection stays in TLS)'"
complete -c ftpx -n "__fish_ftpx_using_subcommand demo" -l cacert -d 'Trust the CA certificates in this PEM file, in addition to the system\'s' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand demo" -l tls-max -d 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)' -r -f -a "1.2\t''
1.3\t''"
complete -c ftpx -n "__fish_ftpx_using_subcommand demo" -s d -l debug -d 'Print the control conversation and data-connection events on stderr'
complete -c ftpx -n "__fish_ftpx_using_subcommand demo" -l explain -d 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean'
complete -c ftpx -n "__fish_ftpx_using_subcommand demo" -s q -l quiet -d 'No progress bar or summary line'
complete -c ftpx -n "__fish_ftpx_using_subcommand demo" -l tls -d 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)'
complete -c ftpx -n "__fish_ftpx_using_subcommand demo" -s k -l insecure -d 'Do not verify the server\'s certificate (warns every time)'
complete -c ftpx -n "__fish_ftpx_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -s P -l parallel -d 'Transfer N files at once over N sessions' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l exclude -d 'Skip paths matching GLOB; repeatable. As in rsync and rclone: \'*\', \'?\' and \'[...]\' never match \'/\', \'**\' matches across directories (\'**/\' also matches none); a GLOB without \'/\' matches a name at any depth, one with \'/\' the path from the mirror\'s root (\'docs/*.tmp\', \'/build/**\'); a trailing \'/\' matches directories only (\'cache/\')' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l include -d 'Copy only files matching GLOB (matched as --exclude; directories are still entered); repeatable' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l max-depth -d 'Descend at most N directory levels below the root (0: the root\'s files only)' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l retry -d 'After a transient failure (connection reset or closed, timeout, 421 busy, 4xx), try again up to N times, resuming where the transfer stopped; 5xx refusals, bad credentials and missing files are not retried. Default 0, as in curl: in CI use e.g. --retry 5' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l retry-delay -d 'Seconds before the first retry; each next wait doubles (up to 60 s), with jitter' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l retry-max-time -d 'Start no retry after this many seconds since the first attempt (default: no limit)' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -s u -l user -d 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l netrc-file -d 'Read credentials from this netrc file instead of ~/.netrc' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l mode -d 'Data-connection mode: auto tries passive, then active' -r -f -a "auto\t'Passive (EPSV, then PASV), then active (EPRT, then PORT)'
passive\t'EPSV, then PASV'
active\t'EPRT, then PORT'
epsv\t'EPSV only'
pasv\t'PASV only'
eprt\t'EPRT only'
port\t'PORT only'"
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l pasv-address -d 'Address for PASV data connections: the control connection\'s peer, or the one the server advertised' -r -f -a "peer\t'Connect to the control connection\'s peer address with the advertised port (safe)'
trust\t'Connect to the address the server advertised in its 227 reply'"
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l active-address -d 'Address to advertise in PORT/EPRT instead of the control connection\'s local address' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l active-ports -d 'Port range to listen on for active data connections' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l connect-timeout -d 'Seconds allowed for each TCP connect and TLS handshake' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l timeout -d 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer' -r
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l trace -d 'Write a timestamped transcript of every connection to FILE' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l tls-data -d 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)' -r -f -a "private\t'PROT P: data connections in TLS'
clear\t'PROT C: data connections in the clear (the control connection stays in TLS)'"
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l cacert -d 'Trust the CA certificates in this PEM file, in addition to the system\'s' -r -F
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l tls-max -d 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)' -r -f -a "1.2\t''
1.3\t''"
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -s R -l reverse -d 'Copy a local tree up: ftpx mirror --reverse LOCAL_DIR URL'
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l only-newer -d 'Copy only files that are missing or newer at the source'
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l size-only -d 'Compare sizes only, not modification times'
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l ignore-time -d 'Neither compare nor copy modification times'
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l delete -d 'Delete what the source no longer has (only inside the target; excluded entries stay)'
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -s n -l dry-run -d 'Print what would be copied and deleted, and change nothing'
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -s c -l continue -d 'Resume partial files (NAME.part, as get -c does)'
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l verify -d 'Check each downloaded file with the server\'s hash command (HASH, XSHA256, XSHA1, XMD5, XCRC) when it has one'
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -s v -l verbose -d 'A line for every file copied, skipped, deleted or failed'
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l json -d 'Print one JSON object: the totals and every file\'s outcome'
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -s d -l debug -d 'Print the control conversation and data-connection events on stderr'
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l explain -d 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean'
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -s q -l quiet -d 'No progress bar or summary line'
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -l tls -d 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)'
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -s k -l insecure -d 'Do not verify the server\'s certificate (warns every time)'
complete -c ftpx -n "__fish_ftpx_using_subcommand mirror" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c ftpx -n "__fish_ftpx_using_subcommand help; and not __fish_seen_subcommand_from ls get put rm mkdir rmdir mv quote probe shell serve demo mirror help" -f -a "ls" -d 'List a remote directory (the server\'s LIST lines)'
complete -c ftpx -n "__fish_ftpx_using_subcommand help; and not __fish_seen_subcommand_from ls get put rm mkdir rmdir mv quote probe shell serve demo mirror help" -f -a "get" -d 'Download files'
complete -c ftpx -n "__fish_ftpx_using_subcommand help; and not __fish_seen_subcommand_from ls get put rm mkdir rmdir mv quote probe shell serve demo mirror help" -f -a "put" -d 'Upload files'
complete -c ftpx -n "__fish_ftpx_using_subcommand help; and not __fish_seen_subcommand_from ls get put rm mkdir rmdir mv quote probe shell serve demo mirror help" -f -a "rm" -d 'Delete remote files'
complete -c ftpx -n "__fish_ftpx_using_subcommand help; and not __fish_seen_subcommand_from ls get put rm mkdir rmdir mv quote probe shell serve demo mirror help" -f -a "mkdir" -d 'Create a remote directory'
complete -c ftpx -n "__fish_ftpx_using_subcommand help; and not __fish_seen_subcommand_from ls get put rm mkdir rmdir mv quote probe shell serve demo mirror help" -f -a "rmdir" -d 'Remove an empty remote directory'
complete -c ftpx -n "__fish_ftpx_using_subcommand help; and not __fish_seen_subcommand_from ls get put rm mkdir rmdir mv quote probe shell serve demo mirror help" -f -a "mv" -d 'Rename or move a remote file'
complete -c ftpx -n "__fish_ftpx_using_subcommand help; and not __fish_seen_subcommand_from ls get put rm mkdir rmdir mv quote probe shell serve demo mirror help" -f -a "quote" -d 'Send a raw command and print the reply; the exit status follows the reply\'s class'
complete -c ftpx -n "__fish_ftpx_using_subcommand help; and not __fish_seen_subcommand_from ls get put rm mkdir rmdir mv quote probe shell serve demo mirror help" -f -a "probe" -d 'Test EPSV, PASV, EPRT and PORT against the server at once, and explain what gets through'
complete -c ftpx -n "__fish_ftpx_using_subcommand help; and not __fish_seen_subcommand_from ls get put rm mkdir rmdir mv quote probe shell serve demo mirror help" -f -a "shell" -d 'Start the interactive shell, connected to URL if given (the same as ftpx [URL])'
complete -c ftpx -n "__fish_ftpx_using_subcommand help; and not __fish_seen_subcommand_from ls get put rm mkdir rmdir mv quote probe shell serve demo mirror help" -f -a "serve" -d 'Serve a directory over FTP and FTPS: read-only and anonymous unless told otherwise'
complete -c ftpx -n "__fish_ftpx_using_subcommand help; and not __fish_seen_subcommand_from ls get put rm mkdir rmdir mv quote probe shell serve demo mirror help" -f -a "demo" -d 'Try ftpx without a server: serve a small generated tree on loopback, probe it, download and upload a file with the transcript shown, then stop (a few seconds, no network)'
complete -c ftpx -n "__fish_ftpx_using_subcommand help; and not __fish_seen_subcommand_from ls get put rm mkdir rmdir mv quote probe shell serve demo mirror help" -f -a "mirror" -d 'Copy a remote directory tree down (or a local one up with --reverse), only what changed'
complete -c ftpx -n "__fish_ftpx_using_subcommand help; and not __fish_seen_subcommand_from ls get put rm mkdir rmdir mv quote probe shell serve demo mirror help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
