# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_berth_global_optspecs
    string join \n root= run-root= config= D/debug= log-level= h/help V/version
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
complete -c berth -n "__fish_berth_needs_command" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_needs_command" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_needs_command" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_needs_command" -f -a "pull" -d 'Download an image from a registry'
complete -c berth -n "__fish_berth_needs_command" -f -a "images" -d 'List images'
complete -c berth -n "__fish_berth_needs_command" -f -a "tag" -d 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE'
complete -c berth -n "__fish_berth_needs_command" -f -a "rmi" -d 'Remove one or more images'
complete -c berth -n "__fish_berth_needs_command" -f -a "image" -d 'Manage images'
complete -c berth -n "__fish_berth_needs_command" -f -a "login" -d 'Log in to a registry'
complete -c berth -n "__fish_berth_needs_command" -f -a "logout" -d 'Log out from a registry'
complete -c berth -n "__fish_berth_needs_command" -f -a "version" -d 'Show the berth version information'
complete -c berth -n "__fish_berth_needs_command" -f -a "info" -d 'Display system-wide information'
complete -c berth -n "__fish_berth_needs_command" -f -a "config" -d 'Manage berth\'s configuration file'
complete -c berth -n "__fish_berth_needs_command" -f -a "completion" -d 'Print the shell completion script (bash, zsh or fish)'
complete -c berth -n "__fish_berth_using_subcommand pull" -l platform -d 'Set platform if server is multi-platform capable (os/arch[/variant])' -r
complete -c berth -n "__fish_berth_using_subcommand pull" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pull" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pull" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pull" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pull" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pull" -s q -l quiet -d 'Suppress verbose output'
complete -c berth -n "__fish_berth_using_subcommand pull" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pull" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand images" -s f -l filter -d 'Filter output based on conditions provided (dangling=, reference=, label=, before=, since=)' -r
complete -c berth -n "__fish_berth_using_subcommand images" -l format -d 'Format output using a Go template, "table", or "json"' -r
complete -c berth -n "__fish_berth_using_subcommand images" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand images" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand images" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand images" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand images" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand images" -s a -l all -d 'Show all images (default hides intermediate images)'
complete -c berth -n "__fish_berth_using_subcommand images" -l digests -d 'Show digests'
complete -c berth -n "__fish_berth_using_subcommand images" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand images" -s q -l quiet -d 'Only show image IDs'
complete -c berth -n "__fish_berth_using_subcommand images" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand images" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand tag" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand tag" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand tag" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand tag" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand tag" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand tag" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand tag" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand rmi" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rmi" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rmi" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rmi" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand rmi" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand rmi" -s f -l force -d 'Force removal of the image'
complete -c berth -n "__fish_berth_using_subcommand rmi" -l no-prune -d 'Do not delete untagged parents'
complete -c berth -n "__fish_berth_using_subcommand rmi" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand rmi" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune" -f -a "pull" -d 'Download an image from a registry'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune" -f -a "ls" -d 'List images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune" -f -a "list" -d 'List images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune" -f -a "inspect" -d 'Display detailed information on one or more images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune" -f -a "tag" -d 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune" -f -a "rm" -d 'Remove one or more images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune" -f -a "remove" -d 'Remove one or more images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune" -f -a "prune" -d 'Remove unused images'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -l platform -d 'Set platform if server is multi-platform capable (os/arch[/variant])' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -s q -l quiet -d 'Suppress verbose output'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from pull" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter output based on conditions provided (dangling=, reference=, label=, before=, since=)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -l format -d 'Format output using a Go template, "table", or "json"' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -s a -l all -d 'Show all images (default hides intermediate images)'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -l digests -d 'Show digests'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only show image IDs'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -s f -l filter -d 'Filter output based on conditions provided (dangling=, reference=, label=, before=, since=)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -l format -d 'Format output using a Go template, "table", or "json"' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -s a -l all -d 'Show all images (default hides intermediate images)'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -l digests -d 'Show digests'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only show image IDs'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Format output using a Go template' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from tag" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from tag" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from tag" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from tag" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from tag" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from tag" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from tag" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -s f -l force -d 'Force removal of the image'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -l no-prune -d 'Do not delete untagged parents'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from remove" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from remove" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from remove" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from remove" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from remove" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from remove" -s f -l force -d 'Force removal of the image'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from remove" -l no-prune -d 'Do not delete untagged parents'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove all unused images, not just dangling ones'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand login" -s u -l username -d 'Username' -r
complete -c berth -n "__fish_berth_using_subcommand login" -s p -l password -d 'Password or personal access token' -r
complete -c berth -n "__fish_berth_using_subcommand login" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand login" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand login" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand login" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand login" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand login" -l password-stdin -d 'Take the password from stdin'
complete -c berth -n "__fish_berth_using_subcommand login" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand login" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand logout" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand logout" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand logout" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand logout" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand logout" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand logout" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand logout" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand version" -s f -l format -d 'Format output using a custom template: \'json\' or a Go template' -r
complete -c berth -n "__fish_berth_using_subcommand version" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand version" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand version" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand version" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand version" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand version" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand version" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand info" -s f -l format -d 'Format output using a custom template: \'json\' or a Go template' -r
complete -c berth -n "__fish_berth_using_subcommand info" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand info" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand info" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand info" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand info" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand info" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand info" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand config; and not __fish_seen_subcommand_from default" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand config; and not __fish_seen_subcommand_from default" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand config; and not __fish_seen_subcommand_from default" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand config; and not __fish_seen_subcommand_from default" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand config; and not __fish_seen_subcommand_from default" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand config; and not __fish_seen_subcommand_from default" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand config; and not __fish_seen_subcommand_from default" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand config; and not __fish_seen_subcommand_from default" -f -a "default" -d 'Print the default configuration file (as `containerd config default` does)'
complete -c berth -n "__fish_berth_using_subcommand config; and __fish_seen_subcommand_from default" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand config; and __fish_seen_subcommand_from default" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand config; and __fish_seen_subcommand_from default" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand config; and __fish_seen_subcommand_from default" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand config; and __fish_seen_subcommand_from default" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand config; and __fish_seen_subcommand_from default" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand config; and __fish_seen_subcommand_from default" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand completion" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand completion" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand completion" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand completion" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand completion" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand completion" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand completion" -s V -l version -d 'Print version'
