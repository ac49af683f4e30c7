
use builtin;
use str;

set edit:completion:arg-completer[ftpx] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'ftpx'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'ftpx'= {
            cand -u 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --user 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --netrc-file 'Read credentials from this netrc file instead of ~/.netrc'
            cand --mode 'Data-connection mode: auto tries passive, then active'
            cand --pasv-address 'Address for PASV data connections: the control connection''s peer, or the one the server advertised'
            cand --active-address 'Address to advertise in PORT/EPRT instead of the control connection''s local address'
            cand --active-ports 'Port range to listen on for active data connections'
            cand --connect-timeout 'Seconds allowed for each TCP connect and TLS handshake'
            cand --timeout 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer'
            cand --trace 'Write a timestamped transcript of every connection to FILE'
            cand -d 'Print the control conversation and data-connection events on stderr'
            cand --debug 'Print the control conversation and data-connection events on stderr'
            cand -q 'No progress bar or summary line'
            cand --quiet 'No progress bar or summary line'
            cand -k 'In a script piped to the shell, run every line even after one fails (the exit status is still the first failure''s)'
            cand --keep-going 'In a script piped to the shell, run every line even after one fails (the exit status is still the first failure''s)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand ls 'List a remote directory (the server''s LIST lines)'
            cand dir 'List a remote directory (the server''s LIST lines)'
            cand get 'Download files'
            cand put 'Upload files'
            cand rm 'Delete remote files'
            cand delete 'Delete remote files'
            cand mkdir 'Create a remote directory'
            cand rmdir 'Remove an empty remote directory'
            cand mv 'Rename or move a remote file'
            cand rename 'Rename or move a remote file'
            cand quote 'Send a raw command and print the reply; the exit status follows the reply''s class'
            cand shell 'Start the interactive shell, connected to URL if given (the same as ftpx [URL])'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ftpx;ls'= {
            cand -u 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --user 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --netrc-file 'Read credentials from this netrc file instead of ~/.netrc'
            cand --mode 'Data-connection mode: auto tries passive, then active'
            cand --pasv-address 'Address for PASV data connections: the control connection''s peer, or the one the server advertised'
            cand --active-address 'Address to advertise in PORT/EPRT instead of the control connection''s local address'
            cand --active-ports 'Port range to listen on for active data connections'
            cand --connect-timeout 'Seconds allowed for each TCP connect and TLS handshake'
            cand --timeout 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer'
            cand --trace 'Write a timestamped transcript of every connection to FILE'
            cand -1 'Names only, one per line (NLST)'
            cand --json 'Parsed entries as JSON (from MLSD when the server offers it, else LIST)'
            cand -d 'Print the control conversation and data-connection events on stderr'
            cand --debug 'Print the control conversation and data-connection events on stderr'
            cand -q 'No progress bar or summary line'
            cand --quiet 'No progress bar or summary line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ftpx;dir'= {
            cand -u 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --user 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --netrc-file 'Read credentials from this netrc file instead of ~/.netrc'
            cand --mode 'Data-connection mode: auto tries passive, then active'
            cand --pasv-address 'Address for PASV data connections: the control connection''s peer, or the one the server advertised'
            cand --active-address 'Address to advertise in PORT/EPRT instead of the control connection''s local address'
            cand --active-ports 'Port range to listen on for active data connections'
            cand --connect-timeout 'Seconds allowed for each TCP connect and TLS handshake'
            cand --timeout 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer'
            cand --trace 'Write a timestamped transcript of every connection to FILE'
            cand -1 'Names only, one per line (NLST)'
            cand --json 'Parsed entries as JSON (from MLSD when the server offers it, else LIST)'
            cand -d 'Print the control conversation and data-connection events on stderr'
            cand --debug 'Print the control conversation and data-connection events on stderr'
            cand -q 'No progress bar or summary line'
            cand --quiet 'No progress bar or summary line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ftpx;get'= {
            cand -o 'Write to PATH (a file, a directory ending in ''/'' or existing, or ''-'' for stdout)'
            cand --output 'Write to PATH (a file, a directory ending in ''/'' or existing, or ''-'' for stdout)'
            cand -u 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --user 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --netrc-file 'Read credentials from this netrc file instead of ~/.netrc'
            cand --mode 'Data-connection mode: auto tries passive, then active'
            cand --pasv-address 'Address for PASV data connections: the control connection''s peer, or the one the server advertised'
            cand --active-address 'Address to advertise in PORT/EPRT instead of the control connection''s local address'
            cand --active-ports 'Port range to listen on for active data connections'
            cand --connect-timeout 'Seconds allowed for each TCP connect and TLS handshake'
            cand --timeout 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer'
            cand --trace 'Write a timestamped transcript of every connection to FILE'
            cand -c 'Resume from NAME.part (or NAME) with REST'
            cand --continue 'Resume from NAME.part (or NAME) with REST'
            cand --ascii 'Transfer in ASCII mode (TYPE A) instead of binary'
            cand -d 'Print the control conversation and data-connection events on stderr'
            cand --debug 'Print the control conversation and data-connection events on stderr'
            cand -q 'No progress bar or summary line'
            cand --quiet 'No progress bar or summary line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ftpx;put'= {
            cand -u 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --user 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --netrc-file 'Read credentials from this netrc file instead of ~/.netrc'
            cand --mode 'Data-connection mode: auto tries passive, then active'
            cand --pasv-address 'Address for PASV data connections: the control connection''s peer, or the one the server advertised'
            cand --active-address 'Address to advertise in PORT/EPRT instead of the control connection''s local address'
            cand --active-ports 'Port range to listen on for active data connections'
            cand --connect-timeout 'Seconds allowed for each TCP connect and TLS handshake'
            cand --timeout 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer'
            cand --trace 'Write a timestamped transcript of every connection to FILE'
            cand -c 'Resume: append what the server does not have yet (SIZE, then APPE)'
            cand --continue 'Resume: append what the server does not have yet (SIZE, then APPE)'
            cand --ascii 'Transfer in ASCII mode (TYPE A) instead of binary'
            cand -d 'Print the control conversation and data-connection events on stderr'
            cand --debug 'Print the control conversation and data-connection events on stderr'
            cand -q 'No progress bar or summary line'
            cand --quiet 'No progress bar or summary line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ftpx;rm'= {
            cand -u 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --user 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --netrc-file 'Read credentials from this netrc file instead of ~/.netrc'
            cand --mode 'Data-connection mode: auto tries passive, then active'
            cand --pasv-address 'Address for PASV data connections: the control connection''s peer, or the one the server advertised'
            cand --active-address 'Address to advertise in PORT/EPRT instead of the control connection''s local address'
            cand --active-ports 'Port range to listen on for active data connections'
            cand --connect-timeout 'Seconds allowed for each TCP connect and TLS handshake'
            cand --timeout 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer'
            cand --trace 'Write a timestamped transcript of every connection to FILE'
            cand -d 'Print the control conversation and data-connection events on stderr'
            cand --debug 'Print the control conversation and data-connection events on stderr'
            cand -q 'No progress bar or summary line'
            cand --quiet 'No progress bar or summary line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ftpx;delete'= {
            cand -u 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --user 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --netrc-file 'Read credentials from this netrc file instead of ~/.netrc'
            cand --mode 'Data-connection mode: auto tries passive, then active'
            cand --pasv-address 'Address for PASV data connections: the control connection''s peer, or the one the server advertised'
            cand --active-address 'Address to advertise in PORT/EPRT instead of the control connection''s local address'
            cand --active-ports 'Port range to listen on for active data connections'
            cand --connect-timeout 'Seconds allowed for each TCP connect and TLS handshake'
            cand --timeout 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer'
            cand --trace 'Write a timestamped transcript of every connection to FILE'
            cand -d 'Print the control conversation and data-connection events on stderr'
            cand --debug 'Print the control conversation and data-connection events on stderr'
            cand -q 'No progress bar or summary line'
            cand --quiet 'No progress bar or summary line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ftpx;mkdir'= {
            cand -u 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --user 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --netrc-file 'Read credentials from this netrc file instead of ~/.netrc'
            cand --mode 'Data-connection mode: auto tries passive, then active'
            cand --pasv-address 'Address for PASV data connections: the control connection''s peer, or the one the server advertised'
            cand --active-address 'Address to advertise in PORT/EPRT instead of the control connection''s local address'
            cand --active-ports 'Port range to listen on for active data connections'
            cand --connect-timeout 'Seconds allowed for each TCP connect and TLS handshake'
            cand --timeout 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer'
            cand --trace 'Write a timestamped transcript of every connection to FILE'
            cand -p 'Create missing parents too, and succeed if the directory exists'
            cand --parents 'Create missing parents too, and succeed if the directory exists'
            cand -d 'Print the control conversation and data-connection events on stderr'
            cand --debug 'Print the control conversation and data-connection events on stderr'
            cand -q 'No progress bar or summary line'
            cand --quiet 'No progress bar or summary line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ftpx;rmdir'= {
            cand -u 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --user 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --netrc-file 'Read credentials from this netrc file instead of ~/.netrc'
            cand --mode 'Data-connection mode: auto tries passive, then active'
            cand --pasv-address 'Address for PASV data connections: the control connection''s peer, or the one the server advertised'
            cand --active-address 'Address to advertise in PORT/EPRT instead of the control connection''s local address'
            cand --active-ports 'Port range to listen on for active data connections'
            cand --connect-timeout 'Seconds allowed for each TCP connect and TLS handshake'
            cand --timeout 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer'
            cand --trace 'Write a timestamped transcript of every connection to FILE'
            cand -d 'Print the control conversation and data-connection events on stderr'
            cand --debug 'Print the control conversation and data-connection events on stderr'
            cand -q 'No progress bar or summary line'
            cand --quiet 'No progress bar or summary line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ftpx;mv'= {
            cand -u 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --user 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --netrc-file 'Read credentials from this netrc file instead of ~/.netrc'
            cand --mode 'Data-connection mode: auto tries passive, then active'
            cand --pasv-address 'Address for PASV data connections: the control connection''s peer, or the one the server advertised'
            cand --active-address 'Address to advertise in PORT/EPRT instead of the control connection''s local address'
            cand --active-ports 'Port range to listen on for active data connections'
            cand --connect-timeout 'Seconds allowed for each TCP connect and TLS handshake'
            cand --timeout 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer'
            cand --trace 'Write a timestamped transcript of every connection to FILE'
            cand -d 'Print the control conversation and data-connection events on stderr'
            cand --debug 'Print the control conversation and data-connection events on stderr'
            cand -q 'No progress bar or summary line'
            cand --quiet 'No progress bar or summary line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ftpx;rename'= {
            cand -u 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --user 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --netrc-file 'Read credentials from this netrc file instead of ~/.netrc'
            cand --mode 'Data-connection mode: auto tries passive, then active'
            cand --pasv-address 'Address for PASV data connections: the control connection''s peer, or the one the server advertised'
            cand --active-address 'Address to advertise in PORT/EPRT instead of the control connection''s local address'
            cand --active-ports 'Port range to listen on for active data connections'
            cand --connect-timeout 'Seconds allowed for each TCP connect and TLS handshake'
            cand --timeout 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer'
            cand --trace 'Write a timestamped transcript of every connection to FILE'
            cand -d 'Print the control conversation and data-connection events on stderr'
            cand --debug 'Print the control conversation and data-connection events on stderr'
            cand -q 'No progress bar or summary line'
            cand --quiet 'No progress bar or summary line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ftpx;quote'= {
            cand -u 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --user 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --netrc-file 'Read credentials from this netrc file instead of ~/.netrc'
            cand --mode 'Data-connection mode: auto tries passive, then active'
            cand --pasv-address 'Address for PASV data connections: the control connection''s peer, or the one the server advertised'
            cand --active-address 'Address to advertise in PORT/EPRT instead of the control connection''s local address'
            cand --active-ports 'Port range to listen on for active data connections'
            cand --connect-timeout 'Seconds allowed for each TCP connect and TLS handshake'
            cand --timeout 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer'
            cand --trace 'Write a timestamped transcript of every connection to FILE'
            cand -d 'Print the control conversation and data-connection events on stderr'
            cand --debug 'Print the control conversation and data-connection events on stderr'
            cand -q 'No progress bar or summary line'
            cand --quiet 'No progress bar or summary line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ftpx;shell'= {
            cand -u 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --user 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal'
            cand --netrc-file 'Read credentials from this netrc file instead of ~/.netrc'
            cand --mode 'Data-connection mode: auto tries passive, then active'
            cand --pasv-address 'Address for PASV data connections: the control connection''s peer, or the one the server advertised'
            cand --active-address 'Address to advertise in PORT/EPRT instead of the control connection''s local address'
            cand --active-ports 'Port range to listen on for active data connections'
            cand --connect-timeout 'Seconds allowed for each TCP connect and TLS handshake'
            cand --timeout 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer'
            cand --trace 'Write a timestamped transcript of every connection to FILE'
            cand -k 'In a script piped to the shell, run every line even after one fails (the exit status is still the first failure''s)'
            cand --keep-going 'In a script piped to the shell, run every line even after one fails (the exit status is still the first failure''s)'
            cand -d 'Print the control conversation and data-connection events on stderr'
            cand --debug 'Print the control conversation and data-connection events on stderr'
            cand -q 'No progress bar or summary line'
            cand --quiet 'No progress bar or summary line'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'ftpx;help'= {
            cand ls 'List a remote directory (the server''s LIST lines)'
            cand get 'Download files'
            cand put 'Upload files'
            cand rm 'Delete remote files'
            cand mkdir 'Create a remote directory'
            cand rmdir 'Remove an empty remote directory'
            cand mv 'Rename or move a remote file'
            cand quote 'Send a raw command and print the reply; the exit status follows the reply''s class'
            cand shell 'Start the interactive shell, connected to URL if given (the same as ftpx [URL])'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'ftpx;help;ls'= {
        }
        &'ftpx;help;get'= {
        }
        &'ftpx;help;put'= {
        }
        &'ftpx;help;rm'= {
        }
        &'ftpx;help;mkdir'= {
        }
        &'ftpx;help;rmdir'= {
        }
        &'ftpx;help;mv'= {
        }
        &'ftpx;help;quote'= {
        }
        &'ftpx;help;shell'= {
        }
        &'ftpx;help;help'= {
        }
    ]
    $completions[$command]
}
