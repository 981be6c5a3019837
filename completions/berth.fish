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
complete -c berth -n "__fish_berth_needs_command" -f -a "network" -d 'Manage networks'
complete -c berth -n "__fish_berth_needs_command" -f -a "internal-network" -d 'berth\'s own helpers for networking (not for users)'
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
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -f -a "create" -d 'Create a network'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -f -a "ls" -d 'List networks'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -f -a "inspect" -d 'Display detailed information on one or more networks'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -f -a "rm" -d 'Remove one or more networks'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -f -a "prune" -d 'Remove all unused networks'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -f -a "connect" -d 'Connect a container to a network'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -f -a "disconnect" -d 'Disconnect a container from a network'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -s d -l driver -d 'Driver to manage the Network' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l subnet -d 'Subnet in CIDR format that represents a network segment' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l gateway -d 'IPv4 Gateway for the master subnet' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l internal -d 'Restrict external access to the network' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l label -d 'Set metadata on a network' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -s o -l opt -d 'Set driver specific options' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Provide filter values (e.g. "driver=bridge")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only display network IDs'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Do not truncate the output'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -s f -l force -d 'Do not error if the network does not exist'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -l filter -d 'Provide filter values (e.g. "label=<key>=<value>")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l alias -d 'Add network-scoped alias for the container' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s f -l force -d 'Force the container to disconnect from a network'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and not __fish_seen_subcommand_from port-forward setup teardown cleanup attach-rootless" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and not __fish_seen_subcommand_from port-forward setup teardown cleanup attach-rootless" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and not __fish_seen_subcommand_from port-forward setup teardown cleanup attach-rootless" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and not __fish_seen_subcommand_from port-forward setup teardown cleanup attach-rootless" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and not __fish_seen_subcommand_from port-forward setup teardown cleanup attach-rootless" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and not __fish_seen_subcommand_from port-forward setup teardown cleanup attach-rootless" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and not __fish_seen_subcommand_from port-forward setup teardown cleanup attach-rootless" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and not __fish_seen_subcommand_from port-forward setup teardown cleanup attach-rootless" -f -a "port-forward" -d 'The userland port forwarder (started by a container\'s monitor with the bound sockets as fds 3..)'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and not __fish_seen_subcommand_from port-forward setup teardown cleanup attach-rootless" -f -a "setup" -d 'Set up a container\'s network as its monitor would; prints the result as JSON'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and not __fish_seen_subcommand_from port-forward setup teardown cleanup attach-rootless" -f -a "teardown" -d 'Remove everything set up for a container'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and not __fish_seen_subcommand_from port-forward setup teardown cleanup attach-rootless" -f -a "cleanup" -d 'Tear down the networks whose owner died'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and not __fish_seen_subcommand_from port-forward setup teardown cleanup attach-rootless" -f -a "attach-rootless" -d 'Attach pasta/slirp4netns to a process\'s namespaces; prints the result as JSON'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from port-forward" -l container-ip -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from port-forward" -l owner-pid -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from port-forward" -l map -d 'proto:fd:container_port' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from port-forward" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from port-forward" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from port-forward" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from port-forward" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from port-forward" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from port-forward" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from port-forward" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -l id -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -l name -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -l network -d 'bridge, none, host, container:<netns path>, or a network name (repeatable)' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -l network-alias -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -s p -l publish -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -l hostname -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -l ip -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -l mac-address -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -l add-host -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -l dns -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -l dns-search -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -l dns-option -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -l files-dir -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -l owner-pid -d 'The process whose death makes this setup stale (default: none, torn down explicitly)' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from teardown" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from teardown" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from teardown" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from teardown" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from teardown" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from teardown" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from teardown" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from cleanup" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from cleanup" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from cleanup" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from cleanup" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from cleanup" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from cleanup" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from cleanup" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from attach-rootless" -l pid -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from attach-rootless" -l id -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from attach-rootless" -l owner-pid -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from attach-rootless" -s p -l publish -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from attach-rootless" -l dir -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from attach-rootless" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from attach-rootless" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from attach-rootless" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from attach-rootless" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from attach-rootless" -s l -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from attach-rootless" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from attach-rootless" -s V -l version -d 'Print version'
