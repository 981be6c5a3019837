# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_berth_global_optspecs
    string join \n root= run-root= config= D/debug= l/log-level= h/help V/version
end

function __fish_berth_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_berth_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_berth_using_subcommand
    set -l cmd (__fish_berth_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c berth -n "__fish_berth_needs_command" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_needs_command" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_needs_command" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_needs_command" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_needs_command" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_needs_command" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_needs_command" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_needs_command" -f -a "version" -d 'Show the berth version information'
complete -c berth -n "__fish_berth_needs_command" -f -a "info" -d 'Display system-wide information'
complete -c berth -n "__fish_berth_needs_command" -f -a "completion" -d 'Print the shell completion script (bash, zsh or fish)'
complete -c berth -n "__fish_berth_using_subcommand version" -s f -l format -d 'Format output using a custom template: \'json\' or a Go template' -r
complete -c berth -n "__fish_berth_using_subcommand version" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand version" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand version" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand version" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand version" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand version" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand version" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand info" -s f -l format -d 'Format output using a custom template: \'json\' or a Go template' -r
complete -c berth -n "__fish_berth_using_subcommand info" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand info" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand info" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand info" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand info" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand info" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand info" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand completion" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand completion" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand completion" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand completion" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand completion" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand completion" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand completion" -s V -l version -d 'Print version'
