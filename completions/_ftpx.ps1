
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'ftpx' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'ftpx'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'ftpx' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from this netrc file instead of ~/.netrc')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Data-connection mode: auto tries passive, then active')
            [CompletionResult]::new('--pasv-address', '--pasv-address', [CompletionResultType]::ParameterName, 'Address for PASV data connections: the control connection''s peer, or the one the server advertised')
            [CompletionResult]::new('--active-address', '--active-address', [CompletionResultType]::ParameterName, 'Address to advertise in PORT/EPRT instead of the control connection''s local address')
            [CompletionResult]::new('--active-ports', '--active-ports', [CompletionResultType]::ParameterName, 'Port range to listen on for active data connections')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each TCP connect and TLS handshake')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write a timestamped transcript of every connection to FILE')
            [CompletionResult]::new('--tls-data', '--tls-data', [CompletionResultType]::ParameterName, 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--tls-max', '--tls-max', [CompletionResultType]::ParameterName, 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('--keep-going', '--keep-going', [CompletionResultType]::ParameterName, 'In a script piped to the shell, run every line even after one fails (the exit status is still the first failure''s)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List a remote directory (the server''s LIST lines)')
            [CompletionResult]::new('dir', 'dir', [CompletionResultType]::ParameterValue, 'List a remote directory (the server''s LIST lines)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Download files')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Upload files')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete remote files')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete remote files')
            [CompletionResult]::new('mkdir', 'mkdir', [CompletionResultType]::ParameterValue, 'Create a remote directory')
            [CompletionResult]::new('rmdir', 'rmdir', [CompletionResultType]::ParameterValue, 'Remove an empty remote directory')
            [CompletionResult]::new('mv', 'mv', [CompletionResultType]::ParameterValue, 'Rename or move a remote file')
            [CompletionResult]::new('rename', 'rename', [CompletionResultType]::ParameterValue, 'Rename or move a remote file')
            [CompletionResult]::new('quote', 'quote', [CompletionResultType]::ParameterValue, 'Send a raw command and print the reply; the exit status follows the reply''s class')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Test EPSV, PASV, EPRT and PORT against the server at once, and explain what gets through')
            [CompletionResult]::new('shell', 'shell', [CompletionResultType]::ParameterValue, 'Start the interactive shell, connected to URL if given (the same as ftpx [URL])')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve a directory over FTP and FTPS: read-only and anonymous unless told otherwise')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Try ftpx without a server: serve a small generated tree on loopback, probe it, download and upload a file with the transcript shown, then stop (a few seconds, no network)')
            [CompletionResult]::new('mirror', 'mirror', [CompletionResultType]::ParameterValue, 'Copy a remote directory tree down (or a local one up with --reverse), only what changed')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ftpx;ls' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from this netrc file instead of ~/.netrc')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Data-connection mode: auto tries passive, then active')
            [CompletionResult]::new('--pasv-address', '--pasv-address', [CompletionResultType]::ParameterName, 'Address for PASV data connections: the control connection''s peer, or the one the server advertised')
            [CompletionResult]::new('--active-address', '--active-address', [CompletionResultType]::ParameterName, 'Address to advertise in PORT/EPRT instead of the control connection''s local address')
            [CompletionResult]::new('--active-ports', '--active-ports', [CompletionResultType]::ParameterName, 'Port range to listen on for active data connections')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each TCP connect and TLS handshake')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write a timestamped transcript of every connection to FILE')
            [CompletionResult]::new('--tls-data', '--tls-data', [CompletionResultType]::ParameterName, 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--tls-max', '--tls-max', [CompletionResultType]::ParameterName, 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)')
            [CompletionResult]::new('-1', '-1', [CompletionResultType]::ParameterName, 'Names only, one per line (NLST)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Parsed entries as JSON (from MLSD when the server offers it, else LIST)')
            [CompletionResult]::new('--no-mlsd', '--no-mlsd', [CompletionResultType]::ParameterName, 'With --json: read LIST even when the server offers MLSD')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ftpx;dir' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from this netrc file instead of ~/.netrc')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Data-connection mode: auto tries passive, then active')
            [CompletionResult]::new('--pasv-address', '--pasv-address', [CompletionResultType]::ParameterName, 'Address for PASV data connections: the control connection''s peer, or the one the server advertised')
            [CompletionResult]::new('--active-address', '--active-address', [CompletionResultType]::ParameterName, 'Address to advertise in PORT/EPRT instead of the control connection''s local address')
            [CompletionResult]::new('--active-ports', '--active-ports', [CompletionResultType]::ParameterName, 'Port range to listen on for active data connections')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each TCP connect and TLS handshake')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write a timestamped transcript of every connection to FILE')
            [CompletionResult]::new('--tls-data', '--tls-data', [CompletionResultType]::ParameterName, 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--tls-max', '--tls-max', [CompletionResultType]::ParameterName, 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)')
            [CompletionResult]::new('-1', '-1', [CompletionResultType]::ParameterName, 'Names only, one per line (NLST)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Parsed entries as JSON (from MLSD when the server offers it, else LIST)')
            [CompletionResult]::new('--no-mlsd', '--no-mlsd', [CompletionResultType]::ParameterName, 'With --json: read LIST even when the server offers MLSD')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ftpx;get' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to PATH (a file, a directory ending in ''/'' or existing, or ''-'' for stdout)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to PATH (a file, a directory ending in ''/'' or existing, or ''-'' for stdout)')
            [CompletionResult]::new('--segments', '--segments', [CompletionResultType]::ParameterName, 'Fetch one file in N ranges at once over N sessions (for servers that limit each session''s rate); small files and servers without REST get one stream. --retry retries each range from where it got to')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'After a transient failure (connection reset or closed, timeout, 421 busy, 4xx), try again up to N times, resuming where the transfer stopped; 5xx refusals, bad credentials and missing files are not retried. Default 0, as in curl: in CI use e.g. --retry 5')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'Seconds before the first retry; each next wait doubles (up to 60 s), with jitter')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Start no retry after this many seconds since the first attempt (default: no limit)')
            [CompletionResult]::new('--limit-rate', '--limit-rate', [CompletionResultType]::ParameterName, 'Cap the transfer rate: bytes per second, or with a suffix k, M or G (1024-based), e.g. 500k')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from this netrc file instead of ~/.netrc')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Data-connection mode: auto tries passive, then active')
            [CompletionResult]::new('--pasv-address', '--pasv-address', [CompletionResultType]::ParameterName, 'Address for PASV data connections: the control connection''s peer, or the one the server advertised')
            [CompletionResult]::new('--active-address', '--active-address', [CompletionResultType]::ParameterName, 'Address to advertise in PORT/EPRT instead of the control connection''s local address')
            [CompletionResult]::new('--active-ports', '--active-ports', [CompletionResultType]::ParameterName, 'Port range to listen on for active data connections')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each TCP connect and TLS handshake')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write a timestamped transcript of every connection to FILE')
            [CompletionResult]::new('--tls-data', '--tls-data', [CompletionResultType]::ParameterName, 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--tls-max', '--tls-max', [CompletionResultType]::ParameterName, 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Resume from NAME.part (or NAME) with REST')
            [CompletionResult]::new('--continue', '--continue', [CompletionResultType]::ParameterName, 'Resume from NAME.part (or NAME) with REST')
            [CompletionResult]::new('--ascii', '--ascii', [CompletionResultType]::ParameterName, 'Transfer in ASCII mode (TYPE A) instead of binary')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object at the end: per file the outcome, bytes, seconds, rate, mode, retries and the offset it resumed from, and the exit code')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ftpx;put' {
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'After a transient failure (connection reset or closed, timeout, 421 busy, 4xx), try again up to N times, resuming where the transfer stopped; 5xx refusals, bad credentials and missing files are not retried. Default 0, as in curl: in CI use e.g. --retry 5')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'Seconds before the first retry; each next wait doubles (up to 60 s), with jitter')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Start no retry after this many seconds since the first attempt (default: no limit)')
            [CompletionResult]::new('--limit-rate', '--limit-rate', [CompletionResultType]::ParameterName, 'Cap the transfer rate: bytes per second, or with a suffix k, M or G (1024-based), e.g. 500k')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from this netrc file instead of ~/.netrc')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Data-connection mode: auto tries passive, then active')
            [CompletionResult]::new('--pasv-address', '--pasv-address', [CompletionResultType]::ParameterName, 'Address for PASV data connections: the control connection''s peer, or the one the server advertised')
            [CompletionResult]::new('--active-address', '--active-address', [CompletionResultType]::ParameterName, 'Address to advertise in PORT/EPRT instead of the control connection''s local address')
            [CompletionResult]::new('--active-ports', '--active-ports', [CompletionResultType]::ParameterName, 'Port range to listen on for active data connections')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each TCP connect and TLS handshake')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write a timestamped transcript of every connection to FILE')
            [CompletionResult]::new('--tls-data', '--tls-data', [CompletionResultType]::ParameterName, 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--tls-max', '--tls-max', [CompletionResultType]::ParameterName, 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Resume: append what the server does not have yet (SIZE, then APPE)')
            [CompletionResult]::new('--continue', '--continue', [CompletionResultType]::ParameterName, 'Resume: append what the server does not have yet (SIZE, then APPE)')
            [CompletionResult]::new('--ascii', '--ascii', [CompletionResultType]::ParameterName, 'Transfer in ASCII mode (TYPE A) instead of binary')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object at the end: per file the outcome, bytes, seconds, rate, mode, retries and the offset it resumed from, and the exit code')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ftpx;rm' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from this netrc file instead of ~/.netrc')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Data-connection mode: auto tries passive, then active')
            [CompletionResult]::new('--pasv-address', '--pasv-address', [CompletionResultType]::ParameterName, 'Address for PASV data connections: the control connection''s peer, or the one the server advertised')
            [CompletionResult]::new('--active-address', '--active-address', [CompletionResultType]::ParameterName, 'Address to advertise in PORT/EPRT instead of the control connection''s local address')
            [CompletionResult]::new('--active-ports', '--active-ports', [CompletionResultType]::ParameterName, 'Port range to listen on for active data connections')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each TCP connect and TLS handshake')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write a timestamped transcript of every connection to FILE')
            [CompletionResult]::new('--tls-data', '--tls-data', [CompletionResultType]::ParameterName, 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--tls-max', '--tls-max', [CompletionResultType]::ParameterName, 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ftpx;delete' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from this netrc file instead of ~/.netrc')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Data-connection mode: auto tries passive, then active')
            [CompletionResult]::new('--pasv-address', '--pasv-address', [CompletionResultType]::ParameterName, 'Address for PASV data connections: the control connection''s peer, or the one the server advertised')
            [CompletionResult]::new('--active-address', '--active-address', [CompletionResultType]::ParameterName, 'Address to advertise in PORT/EPRT instead of the control connection''s local address')
            [CompletionResult]::new('--active-ports', '--active-ports', [CompletionResultType]::ParameterName, 'Port range to listen on for active data connections')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each TCP connect and TLS handshake')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write a timestamped transcript of every connection to FILE')
            [CompletionResult]::new('--tls-data', '--tls-data', [CompletionResultType]::ParameterName, 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--tls-max', '--tls-max', [CompletionResultType]::ParameterName, 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ftpx;mkdir' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from this netrc file instead of ~/.netrc')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Data-connection mode: auto tries passive, then active')
            [CompletionResult]::new('--pasv-address', '--pasv-address', [CompletionResultType]::ParameterName, 'Address for PASV data connections: the control connection''s peer, or the one the server advertised')
            [CompletionResult]::new('--active-address', '--active-address', [CompletionResultType]::ParameterName, 'Address to advertise in PORT/EPRT instead of the control connection''s local address')
            [CompletionResult]::new('--active-ports', '--active-ports', [CompletionResultType]::ParameterName, 'Port range to listen on for active data connections')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each TCP connect and TLS handshake')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write a timestamped transcript of every connection to FILE')
            [CompletionResult]::new('--tls-data', '--tls-data', [CompletionResultType]::ParameterName, 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--tls-max', '--tls-max', [CompletionResultType]::ParameterName, 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Create missing parents too, and succeed if the directory exists')
            [CompletionResult]::new('--parents', '--parents', [CompletionResultType]::ParameterName, 'Create missing parents too, and succeed if the directory exists')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ftpx;rmdir' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from this netrc file instead of ~/.netrc')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Data-connection mode: auto tries passive, then active')
            [CompletionResult]::new('--pasv-address', '--pasv-address', [CompletionResultType]::ParameterName, 'Address for PASV data connections: the control connection''s peer, or the one the server advertised')
            [CompletionResult]::new('--active-address', '--active-address', [CompletionResultType]::ParameterName, 'Address to advertise in PORT/EPRT instead of the control connection''s local address')
            [CompletionResult]::new('--active-ports', '--active-ports', [CompletionResultType]::ParameterName, 'Port range to listen on for active data connections')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each TCP connect and TLS handshake')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write a timestamped transcript of every connection to FILE')
            [CompletionResult]::new('--tls-data', '--tls-data', [CompletionResultType]::ParameterName, 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--tls-max', '--tls-max', [CompletionResultType]::ParameterName, 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ftpx;mv' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from this netrc file instead of ~/.netrc')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Data-connection mode: auto tries passive, then active')
            [CompletionResult]::new('--pasv-address', '--pasv-address', [CompletionResultType]::ParameterName, 'Address for PASV data connections: the control connection''s peer, or the one the server advertised')
            [CompletionResult]::new('--active-address', '--active-address', [CompletionResultType]::ParameterName, 'Address to advertise in PORT/EPRT instead of the control connection''s local address')
            [CompletionResult]::new('--active-ports', '--active-ports', [CompletionResultType]::ParameterName, 'Port range to listen on for active data connections')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each TCP connect and TLS handshake')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write a timestamped transcript of every connection to FILE')
            [CompletionResult]::new('--tls-data', '--tls-data', [CompletionResultType]::ParameterName, 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--tls-max', '--tls-max', [CompletionResultType]::ParameterName, 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ftpx;rename' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from this netrc file instead of ~/.netrc')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Data-connection mode: auto tries passive, then active')
            [CompletionResult]::new('--pasv-address', '--pasv-address', [CompletionResultType]::ParameterName, 'Address for PASV data connections: the control connection''s peer, or the one the server advertised')
            [CompletionResult]::new('--active-address', '--active-address', [CompletionResultType]::ParameterName, 'Address to advertise in PORT/EPRT instead of the control connection''s local address')
            [CompletionResult]::new('--active-ports', '--active-ports', [CompletionResultType]::ParameterName, 'Port range to listen on for active data connections')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each TCP connect and TLS handshake')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write a timestamped transcript of every connection to FILE')
            [CompletionResult]::new('--tls-data', '--tls-data', [CompletionResultType]::ParameterName, 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--tls-max', '--tls-max', [CompletionResultType]::ParameterName, 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ftpx;quote' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from this netrc file instead of ~/.netrc')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Data-connection mode: auto tries passive, then active')
            [CompletionResult]::new('--pasv-address', '--pasv-address', [CompletionResultType]::ParameterName, 'Address for PASV data connections: the control connection''s peer, or the one the server advertised')
            [CompletionResult]::new('--active-address', '--active-address', [CompletionResultType]::ParameterName, 'Address to advertise in PORT/EPRT instead of the control connection''s local address')
            [CompletionResult]::new('--active-ports', '--active-ports', [CompletionResultType]::ParameterName, 'Port range to listen on for active data connections')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each TCP connect and TLS handshake')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write a timestamped transcript of every connection to FILE')
            [CompletionResult]::new('--tls-data', '--tls-data', [CompletionResultType]::ParameterName, 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--tls-max', '--tls-max', [CompletionResultType]::ParameterName, 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ftpx;probe' {
            [CompletionResult]::new('--path', '--path', [CompletionResultType]::ParameterName, 'Directory to list in each attempt (default: the URL''s path, or the login directory)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from this netrc file instead of ~/.netrc')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Data-connection mode: auto tries passive, then active')
            [CompletionResult]::new('--pasv-address', '--pasv-address', [CompletionResultType]::ParameterName, 'Address for PASV data connections: the control connection''s peer, or the one the server advertised')
            [CompletionResult]::new('--active-address', '--active-address', [CompletionResultType]::ParameterName, 'Address to advertise in PORT/EPRT instead of the control connection''s local address')
            [CompletionResult]::new('--active-ports', '--active-ports', [CompletionResultType]::ParameterName, 'Port range to listen on for active data connections')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each TCP connect and TLS handshake')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write a timestamped transcript of every connection to FILE')
            [CompletionResult]::new('--tls-data', '--tls-data', [CompletionResultType]::ParameterName, 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--tls-max', '--tls-max', [CompletionResultType]::ParameterName, 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object instead of the report')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ftpx;shell' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from this netrc file instead of ~/.netrc')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Data-connection mode: auto tries passive, then active')
            [CompletionResult]::new('--pasv-address', '--pasv-address', [CompletionResultType]::ParameterName, 'Address for PASV data connections: the control connection''s peer, or the one the server advertised')
            [CompletionResult]::new('--active-address', '--active-address', [CompletionResultType]::ParameterName, 'Address to advertise in PORT/EPRT instead of the control connection''s local address')
            [CompletionResult]::new('--active-ports', '--active-ports', [CompletionResultType]::ParameterName, 'Port range to listen on for active data connections')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each TCP connect and TLS handshake')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write a timestamped transcript of every connection to FILE')
            [CompletionResult]::new('--tls-data', '--tls-data', [CompletionResultType]::ParameterName, 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--tls-max', '--tls-max', [CompletionResultType]::ParameterName, 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)')
            [CompletionResult]::new('--keep-going', '--keep-going', [CompletionResultType]::ParameterName, 'In a script piped to the shell, run every line even after one fails (the exit status is still the first failure''s)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ftpx;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address and port to listen on (default: 127.0.0.1 and a free port); an address other than loopback lets other machines in, and warns')
            [CompletionResult]::new('--implicit-listen', '--implicit-listen', [CompletionResultType]::ParameterName, 'Address and port for implicit FTPS (ftps://: TLS from the first byte, as on port 990) (default: the --listen address and a free port)')
            [CompletionResult]::new('--login', '--login', [CompletionResultType]::ParameterName, 'Require this user (password from FTPX_SERVE_PASSWORD, or generated and printed once) instead of anonymous logins')
            [CompletionResult]::new('--pasv-ports', '--pasv-ports', [CompletionResultType]::ParameterName, 'Ports for passive data connections (default: any free port)')
            [CompletionResult]::new('--public-address', '--public-address', [CompletionResultType]::ParameterName, 'The address PASV advertises, for a server behind NAT (default: the address the client reached)')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'TLS certificate chain in PEM (default: a self-signed certificate made at start, its SHA-256 fingerprint printed)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'TLS private key in PEM, for --cert')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from this netrc file instead of ~/.netrc')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Data-connection mode: auto tries passive, then active')
            [CompletionResult]::new('--pasv-address', '--pasv-address', [CompletionResultType]::ParameterName, 'Address for PASV data connections: the control connection''s peer, or the one the server advertised')
            [CompletionResult]::new('--active-address', '--active-address', [CompletionResultType]::ParameterName, 'Address to advertise in PORT/EPRT instead of the control connection''s local address')
            [CompletionResult]::new('--active-ports', '--active-ports', [CompletionResultType]::ParameterName, 'Port range to listen on for active data connections')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each TCP connect and TLS handshake')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write a timestamped transcript of every connection to FILE')
            [CompletionResult]::new('--tls-data', '--tls-data', [CompletionResultType]::ParameterName, 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--tls-max', '--tls-max', [CompletionResultType]::ParameterName, 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)')
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'Allow changes: uploads, deletes, renames, new and removed directories')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ftpx;demo' {
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from this netrc file instead of ~/.netrc')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Data-connection mode: auto tries passive, then active')
            [CompletionResult]::new('--pasv-address', '--pasv-address', [CompletionResultType]::ParameterName, 'Address for PASV data connections: the control connection''s peer, or the one the server advertised')
            [CompletionResult]::new('--active-address', '--active-address', [CompletionResultType]::ParameterName, 'Address to advertise in PORT/EPRT instead of the control connection''s local address')
            [CompletionResult]::new('--active-ports', '--active-ports', [CompletionResultType]::ParameterName, 'Port range to listen on for active data connections')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each TCP connect and TLS handshake')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write a timestamped transcript of every connection to FILE')
            [CompletionResult]::new('--tls-data', '--tls-data', [CompletionResultType]::ParameterName, 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--tls-max', '--tls-max', [CompletionResultType]::ParameterName, 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ftpx;mirror' {
            [CompletionResult]::new('-P', '-P ', [CompletionResultType]::ParameterName, 'Transfer N files at once over N sessions')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'Transfer N files at once over N sessions')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Skip paths matching GLOB; repeatable. As in rsync and rclone: ''*'', ''?'' and ''[...]'' never match ''/'', ''**'' matches across directories (''**/'' also matches none); a GLOB without ''/'' matches a name at any depth, one with ''/'' the path from the mirror''s root (''docs/*.tmp'', ''/build/**''); a trailing ''/'' matches directories only (''cache/'')')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Copy only files matching GLOB (matched as --exclude; directories are still entered); repeatable')
            [CompletionResult]::new('--max-depth', '--max-depth', [CompletionResultType]::ParameterName, 'Descend at most N directory levels below the root (0: the root''s files only)')
            [CompletionResult]::new('--retry', '--retry', [CompletionResultType]::ParameterName, 'After a transient failure (connection reset or closed, timeout, 421 busy, 4xx), try again up to N times, resuming where the transfer stopped; 5xx refusals, bad credentials and missing files are not retried. Default 0, as in curl: in CI use e.g. --retry 5')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'Seconds before the first retry; each next wait doubles (up to 60 s), with jitter')
            [CompletionResult]::new('--retry-max-time', '--retry-max-time', [CompletionResultType]::ParameterName, 'Start no retry after this many seconds since the first attempt (default: no limit)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name and optional password (USER[:PASSWORD]); asks for a missing password on a terminal')
            [CompletionResult]::new('--netrc-file', '--netrc-file', [CompletionResultType]::ParameterName, 'Read credentials from this netrc file instead of ~/.netrc')
            [CompletionResult]::new('--mode', '--mode', [CompletionResultType]::ParameterName, 'Data-connection mode: auto tries passive, then active')
            [CompletionResult]::new('--pasv-address', '--pasv-address', [CompletionResultType]::ParameterName, 'Address for PASV data connections: the control connection''s peer, or the one the server advertised')
            [CompletionResult]::new('--active-address', '--active-address', [CompletionResultType]::ParameterName, 'Address to advertise in PORT/EPRT instead of the control connection''s local address')
            [CompletionResult]::new('--active-ports', '--active-ports', [CompletionResultType]::ParameterName, 'Port range to listen on for active data connections')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for each TCP connect and TLS handshake')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for every other wait: banner, reply, data accept, idle transfer')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Write a timestamped transcript of every connection to FILE')
            [CompletionResult]::new('--tls-data', '--tls-data', [CompletionResultType]::ParameterName, 'Data connections under TLS: private (PROT P, the default) or clear (PROT C)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust the CA certificates in this PEM file, in addition to the system''s')
            [CompletionResult]::new('--tls-max', '--tls-max', [CompletionResultType]::ParameterName, 'Highest TLS version to offer (1.2 for servers whose TLS 1.3 session resumption is broken)')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Copy a local tree up: ftpx mirror --reverse LOCAL_DIR URL')
            [CompletionResult]::new('--reverse', '--reverse', [CompletionResultType]::ParameterName, 'Copy a local tree up: ftpx mirror --reverse LOCAL_DIR URL')
            [CompletionResult]::new('--only-newer', '--only-newer', [CompletionResultType]::ParameterName, 'Copy only files that are missing or newer at the source')
            [CompletionResult]::new('--size-only', '--size-only', [CompletionResultType]::ParameterName, 'Compare sizes only, not modification times')
            [CompletionResult]::new('--ignore-time', '--ignore-time', [CompletionResultType]::ParameterName, 'Neither compare nor copy modification times')
            [CompletionResult]::new('--delete', '--delete', [CompletionResultType]::ParameterName, 'Delete what the source no longer has (only inside the target; excluded entries stay)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Print what would be copied and deleted, and change nothing')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be copied and deleted, and change nothing')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Resume partial files (NAME.part, as get -c does)')
            [CompletionResult]::new('--continue', '--continue', [CompletionResultType]::ParameterName, 'Resume partial files (NAME.part, as get -c does)')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'Check each downloaded file with the server''s hash command (HASH, XSHA256, XSHA1, XMD5, XCRC) when it has one')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'A line for every file copied, skipped, deleted or failed')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'A line for every file copied, skipped, deleted or failed')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object: the totals and every file''s outcome')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Print the control conversation and data-connection events on stderr')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Explain the transcript (implies -d): PORT/EPRT and 227/229 decoded, which side connects where, and what the data-connection replies mean')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress bar or summary line')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Explicit FTPS: AUTH TLS before login, then PBSZ 0 and PROT P (as ftpes:// URLs do)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Do not verify the server''s certificate (warns every time)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'ftpx;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List a remote directory (the server''s LIST lines)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Download files')
            [CompletionResult]::new('put', 'put', [CompletionResultType]::ParameterValue, 'Upload files')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete remote files')
            [CompletionResult]::new('mkdir', 'mkdir', [CompletionResultType]::ParameterValue, 'Create a remote directory')
            [CompletionResult]::new('rmdir', 'rmdir', [CompletionResultType]::ParameterValue, 'Remove an empty remote directory')
            [CompletionResult]::new('mv', 'mv', [CompletionResultType]::ParameterValue, 'Rename or move a remote file')
            [CompletionResult]::new('quote', 'quote', [CompletionResultType]::ParameterValue, 'Send a raw command and print the reply; the exit status follows the reply''s class')
            [CompletionResult]::new('probe', 'probe', [CompletionResultType]::ParameterValue, 'Test EPSV, PASV, EPRT and PORT against the server at once, and explain what gets through')
            [CompletionResult]::new('shell', 'shell', [CompletionResultType]::ParameterValue, 'Start the interactive shell, connected to URL if given (the same as ftpx [URL])')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve a directory over FTP and FTPS: read-only and anonymous unless told otherwise')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Try ftpx without a server: serve a small generated tree on loopback, probe it, download and upload a file with the transcript shown, then stop (a few seconds, no network)')
            [CompletionResult]::new('mirror', 'mirror', [CompletionResultType]::ParameterValue, 'Copy a remote directory tree down (or a local one up with --reverse), only what changed')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'ftpx;help;ls' {
            break
        }
        'ftpx;help;get' {
            break
        }
        'ftpx;help;put' {
            break
        }
        'ftpx;help;rm' {
            break
        }
        'ftpx;help;mkdir' {
            break
        }
        'ftpx;help;rmdir' {
            break
        }
        'ftpx;help;mv' {
            break
        }
        'ftpx;help;quote' {
            break
        }
        'ftpx;help;probe' {
            break
        }
        'ftpx;help;shell' {
            break
        }
        'ftpx;help;serve' {
            break
        }
        'ftpx;help;demo' {
            break
        }
        'ftpx;help;mirror' {
            break
        }
        'ftpx;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
