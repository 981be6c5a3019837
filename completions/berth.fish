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
complete -c berth -n "__fish_berth_needs_command" -f -a "import" -d 'Import the contents from a tarball to create a filesystem image'
complete -c berth -n "__fish_berth_needs_command" -f -a "history" -d 'Show the history of an image'
complete -c berth -n "__fish_berth_needs_command" -f -a "push" -d 'Upload an image to a registry'
complete -c berth -n "__fish_berth_needs_command" -f -a "save" -d 'Save one or more images to a tar archive (streamed to STDOUT by default)'
complete -c berth -n "__fish_berth_needs_command" -f -a "load" -d 'Load an image from a tar archive or STDIN'
complete -c berth -n "__fish_berth_needs_command" -f -a "image" -d 'Manage images'
complete -c berth -n "__fish_berth_needs_command" -f -a "run" -d 'Create and run a new container from an image'
complete -c berth -n "__fish_berth_needs_command" -f -a "create" -d 'Create a new container'
complete -c berth -n "__fish_berth_needs_command" -f -a "start" -d 'Start one or more stopped containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "ps" -d 'List containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "logs" -d 'Fetch the logs of a container'
complete -c berth -n "__fish_berth_needs_command" -f -a "exec" -d 'Execute a command in a running container'
complete -c berth -n "__fish_berth_needs_command" -f -a "stop" -d 'Stop one or more running containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "restart" -d 'Restart one or more containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "kill" -d 'Kill one or more running containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "rm" -d 'Remove one or more containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "wait" -d 'Block until one or more containers stop, then print their exit codes'
complete -c berth -n "__fish_berth_needs_command" -f -a "inspect" -d 'Return low-level information on containers and volumes'
complete -c berth -n "__fish_berth_needs_command" -f -a "rename" -d 'Rename a container'
complete -c berth -n "__fish_berth_needs_command" -f -a "port" -d 'List port mappings or a specific mapping for the container'
complete -c berth -n "__fish_berth_needs_command" -f -a "pause" -d 'Pause all processes within one or more containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "unpause" -d 'Unpause all processes within one or more containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "top" -d 'Display the running processes of a container'
complete -c berth -n "__fish_berth_needs_command" -f -a "diff" -d 'Inspect changes to files or directories on a container\'s filesystem'
complete -c berth -n "__fish_berth_needs_command" -f -a "attach" -d 'Attach local standard input, output, and error streams to a running container'
complete -c berth -n "__fish_berth_needs_command" -f -a "cp" -d 'Copy files/folders between a container and the local filesystem'
complete -c berth -n "__fish_berth_needs_command" -f -a "stats" -d 'Display a live stream of container(s) resource usage statistics'
complete -c berth -n "__fish_berth_needs_command" -f -a "update" -d 'Update configuration of one or more containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "commit" -d 'Create a new image from a container\'s changes'
complete -c berth -n "__fish_berth_needs_command" -f -a "export" -d 'Export a container\'s filesystem as a tar archive'
complete -c berth -n "__fish_berth_needs_command" -f -a "container" -d 'Manage containers'
complete -c berth -n "__fish_berth_needs_command" -f -a "volume" -d 'Manage volumes'
complete -c berth -n "__fish_berth_needs_command" -f -a "internal"
complete -c berth -n "__fish_berth_needs_command" -f -a "login" -d 'Log in to a registry'
complete -c berth -n "__fish_berth_needs_command" -f -a "logout" -d 'Log out from a registry'
complete -c berth -n "__fish_berth_needs_command" -f -a "version" -d 'Show the berth version information'
complete -c berth -n "__fish_berth_needs_command" -f -a "info" -d 'Display system-wide information'
complete -c berth -n "__fish_berth_needs_command" -f -a "system" -d 'Manage berth (`system info`, as docker\'s)'
complete -c berth -n "__fish_berth_needs_command" -f -a "config" -d 'Manage berth\'s configuration file'
complete -c berth -n "__fish_berth_needs_command" -f -a "events" -d 'Get real time events from berth'
complete -c berth -n "__fish_berth_needs_command" -f -a "completion" -d 'Print the shell completion script (bash, zsh or fish)'
complete -c berth -n "__fish_berth_needs_command" -f -a "network" -d 'Manage networks'
complete -c berth -n "__fish_berth_needs_command" -f -a "internal-network" -d 'berth\'s own helpers for networking (not for users)'
complete -c berth -n "__fish_berth_needs_command" -f -a "pod" -d 'Manage pods'
complete -c berth -n "__fish_berth_needs_command" -f -a "compose" -d 'Define and run multi-container applications (docker compose)'
complete -c berth -n "__fish_berth_needs_command" -f -a "build" -d 'Build an image from a Dockerfile'
complete -c berth -n "__fish_berth_needs_command" -f -a "builder" -d 'Manage builds'
complete -c berth -n "__fish_berth_needs_command" -f -a "buildx" -d 'Docker Buildx (berth builds in-process; `buildx build` is `build`)'
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
complete -c berth -n "__fish_berth_using_subcommand import" -s c -l change -d 'Apply Dockerfile instruction to the created image' -r
complete -c berth -n "__fish_berth_using_subcommand import" -s m -l message -d 'Set commit message for imported image' -r
complete -c berth -n "__fish_berth_using_subcommand import" -l platform -d 'Set platform if server is multi-platform capable (only the host\'s)' -r
complete -c berth -n "__fish_berth_using_subcommand import" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand import" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand import" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand import" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand import" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand import" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand import" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand history" -s H -l human -d 'Print sizes and dates in human readable format' -r
complete -c berth -n "__fish_berth_using_subcommand history" -l format -d 'Format output using a custom template: \'table\', \'table TEMPLATE\', \'json\' or a Go template' -r
complete -c berth -n "__fish_berth_using_subcommand history" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand history" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand history" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand history" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand history" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand history" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand history" -s q -l quiet -d 'Only show image IDs'
complete -c berth -n "__fish_berth_using_subcommand history" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand history" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand push" -l compression-format -d 'Compression of layers pushed from uncompressed ones (gzip, zstd)' -r -f -a "gzip\t''
zstd\t''"
complete -c berth -n "__fish_berth_using_subcommand push" -l tls-verify -d 'Require HTTPS and verify certificates (false: allow plain HTTP and unverified TLS)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand push" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand push" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand push" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand push" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand push" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand push" -s a -l all-tags -d 'Push all tags of an image to the repository'
complete -c berth -n "__fish_berth_using_subcommand push" -s q -l quiet -d 'Suppress verbose output'
complete -c berth -n "__fish_berth_using_subcommand push" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand push" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand save" -s o -l output -d 'Write to a file, instead of STDOUT' -r -F
complete -c berth -n "__fish_berth_using_subcommand save" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand save" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand save" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand save" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand save" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand save" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand save" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand load" -s i -l input -d 'Read from tar archive file, instead of STDIN' -r -F
complete -c berth -n "__fish_berth_using_subcommand load" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand load" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand load" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand load" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand load" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand load" -s q -l quiet -d 'Suppress the load output'
complete -c berth -n "__fish_berth_using_subcommand load" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand load" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -f -a "pull" -d 'Download an image from a registry'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -f -a "ls" -d 'List images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -f -a "list" -d 'List images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -f -a "inspect" -d 'Display detailed information on one or more images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -f -a "tag" -d 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -f -a "rm" -d 'Remove one or more images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -f -a "remove" -d 'Remove one or more images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -f -a "prune" -d 'Remove unused images'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -f -a "import" -d 'Import the contents from a tarball to create a filesystem image'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -f -a "history" -d 'Show the history of an image'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -f -a "build" -d 'Build an image from a Dockerfile'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -f -a "push" -d 'Upload an image to a registry'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -f -a "save" -d 'Save one or more images to a tar archive (streamed to STDOUT by default)'
complete -c berth -n "__fish_berth_using_subcommand image; and not __fish_seen_subcommand_from pull ls list inspect tag rm remove prune import history build push save load" -f -a "load" -d 'Load an image from a tar archive or STDIN'
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
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -l filter -d 'Provide filter values (e.g. "until=<timestamp>")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove all unused images, not just dangling ones'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -s c -l change -d 'Apply Dockerfile instruction to the created image' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -s m -l message -d 'Set commit message for imported image' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -l platform -d 'Set platform if server is multi-platform capable (only the host\'s)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -s H -l human -d 'Print sizes and dates in human readable format' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -l format -d 'Format output using a custom template: \'table\', \'table TEMPLATE\', \'json\' or a Go template' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -s q -l quiet -d 'Only show image IDs'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from history" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -s t -l tag -d 'Name and optionally a tag in the "name:tag" format' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -s f -l file -d 'Name of the Dockerfile (default: "PATH/Dockerfile"; "-" reads it from stdin)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l build-arg -d 'Set build-time variables' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l label -d 'Set metadata for an image' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l target -d 'Set the target build stage to build' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l iidfile -d 'Write the image ID to the file' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l network -d 'Set the networking mode for the RUN instructions during build (default, none, host)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l add-host -d 'Add a custom host-to-IP mapping ("host:ip")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l secret -d 'Secret to expose to the build ("id=mysecret,src=/local/secret")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l progress -d 'Set type of progress output ("auto", "plain", "tty", "quiet")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l platform -d 'Set target platform for build (berth builds for the host\'s only)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l step-timeout -d 'Kill a RUN step that runs longer than this ("10m", "90s"; default: [build] step_timeout)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l package-mirror -d 'Package mirror for RUN steps ("debian=http://mirror/debian"; keys debian, debian-security, ubuntu, alpine), over [build.package_mirrors]' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l source-date-epoch -d 'Clamp every timestamp of the image to this Unix time (default: $SOURCE_DATE_EPOCH)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -s o -l output -d 'Output destination: "type=image[,compression=gzip|zstd]" (berth stores the image; built layers are compressed with gzip unless zstd is asked for)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -s q -l quiet -d 'Suppress the build output and print image ID on success'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l no-cache -d 'Do not use cache when building the image'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -l pull -d 'Always attempt to pull all referenced images'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from build" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -l compression-format -d 'Compression of layers pushed from uncompressed ones (gzip, zstd)' -r -f -a "gzip\t''
zstd\t''"
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -l tls-verify -d 'Require HTTPS and verify certificates (false: allow plain HTTP and unverified TLS)' -r -f -a "true\t''
false\t''"
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -s a -l all-tags -d 'Push all tags of an image to the repository'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -s q -l quiet -d 'Suppress verbose output'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from push" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -s o -l output -d 'Write to a file, instead of STDOUT' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from save" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -s i -l input -d 'Read from tar archive file, instead of STDIN' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -s q -l quiet -d 'Suppress the load output'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand image; and __fish_seen_subcommand_from load" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand run" -s d -l detach -d 'Run container in background and print container ID' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l sig-proxy -d 'Proxy received signals to the process' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l name -d 'Assign a name to the container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s e -l env -d 'Set environment variables' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l env-file -d 'Read in a file of environment variables' -r -F
complete -c berth -n "__fish_berth_using_subcommand run" -l entrypoint -d 'Overwrite the default ENTRYPOINT of the image' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s w -l workdir -d 'Working directory inside the container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s u -l user -d 'Username or UID (format: <name|uid>[:<group|gid>])' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s h -l hostname -d 'Container host name' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s l -l label -d 'Set meta data on a container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s v -l volume -d 'Bind mount a volume' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l mount -d 'Attach a filesystem mount to the container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l tmpfs -d 'Mount a tmpfs directory' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l read-only -d 'Mount the container\'s root filesystem as read only' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cap-add -d 'Add Linux capabilities' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cap-drop -d 'Drop Linux capabilities' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l privileged -d 'Give extended privileges to this container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l security-opt -d 'Security Options' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s m -l memory -d 'Memory limit' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l memory-swap -d 'Swap limit equal to memory plus swap: \'-1\' to enable unlimited swap' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cpus -d 'Number of CPUs' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s c -l cpu-shares -d 'CPU shares (relative weight)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cpuset-cpus -d 'CPUs in which to allow execution (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l pids-limit -d 'Tune container pids limit (set -1 for unlimited)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l memory-reservation -d 'Memory soft limit' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cpu-period -d 'Limit CPU CFS (Completely Fair Scheduler) period' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cpu-quota -d 'Limit CPU CFS (Completely Fair Scheduler) quota' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cpuset-mems -d 'MEMs in which to allow execution (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l blkio-weight -d 'Block IO (relative weight), between 10 and 1000, or 0 to disable' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l kernel-memory -d 'Kernel memory limit (deprecated: accepted and ignored, as docker does)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l ulimit -d 'Ulimit options' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l shm-size -d 'Size of /dev/shm' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s t -l tty -d 'Allocate a pseudo-TTY' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s i -l interactive -d 'Keep STDIN open even if not attached' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l stop-signal -d 'Signal to stop the container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l stop-timeout -d 'Timeout (in seconds) to stop a container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l network -d 'Connect a container to a network (bridge, none, host, container:<name|id>, or a network name)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l pod -d 'Run the container in an existing pod, or "new:NAME" to create it (podman)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l init -d 'Run an init inside the container that forwards signals and reaps processes' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s p -l publish -d 'Publish a container\'s port(s) to the host' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s P -l publish-all -d 'Publish all exposed ports to random ports' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l network-alias -d 'Add network-scoped alias for the container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l add-host -d 'Add a custom host-to-IP mapping (host:ip)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l dns -d 'Set custom DNS servers' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l dns-search -d 'Set custom DNS search domains' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l dns-option -d 'Set DNS options' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l mac-address -d 'Container MAC address (e.g., 92:d0:c6:0a:29:33)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l ip -d 'IPv4 address (e.g., 172.30.100.104)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l rm -d 'Automatically remove the container when it exits' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l restart -d 'Restart policy to apply when a container exits ("no", "always", "on-failure[:max-retries]", "unless-stopped")' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l pull -d 'Pull image before running ("always", "missing", "never")' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cidfile -d 'Write the container ID to the file' -r -F
complete -c berth -n "__fish_berth_using_subcommand run" -l label-file -d 'Read in a line delimited file of labels' -r -F
complete -c berth -n "__fish_berth_using_subcommand run" -l expose -d 'Expose a port or a range of ports' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l domainname -d 'Container NIS domain name' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l annotation -d 'Add an annotation to the container (passed through to the OCI runtime)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l isolation -d 'Container isolation technology (only "default" on Linux)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l disable-content-trust -d 'Skip image verification (berth verifies no signatures: accepted, no effect)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l gpus -d 'GPU devices to add to the container (berth has no GPU runtime: refused)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l platform -d 'Set platform if server is multi-platform capable (only the host\'s)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l pid -d 'PID namespace to use (host, container:<name|id>)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l ipc -d 'IPC mode to use (private, shareable, none, host, container:<name|id>)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l uts -d 'UTS namespace to use (host)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l link -d 'Add link to another container (NAME[:ALIAS])' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l userns -d 'User namespace to use (host; keep-id for rootless, as podman)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cgroupns -d 'Cgroup namespace to use (host|private)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l sysctl -d 'Sysctl options' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l group-add -d 'Add additional groups to join' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l oom-score-adj -d 'Tune host\'s OOM preferences (-1000 to 1000)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l memory-swappiness -d 'Tune container memory swappiness (0 to 100)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l oom-kill-disable -d 'Disable OOM Killer' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l cgroup-parent -d 'Optional parent cgroup for the container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l log-driver -d 'Logging driver for the container (json-file, local, none)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l log-opt -d 'Log driver options (max-size, max-file)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l volumes-from -d 'Mount volumes from the specified container(s)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l device -d 'Add a host device to the container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l device-cgroup-rule -d 'Add a rule to the cgroup allowed devices list' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s a -l attach -d 'Attach to STDIN, STDOUT or STDERR' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l detach-keys -d 'Override the key sequence for detaching a container' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l device-read-bps -d 'Limit read rate (bytes per second) from a device' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l device-write-bps -d 'Limit write rate (bytes per second) to a device' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l device-read-iops -d 'Limit read rate (IO per second) from a device' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l device-write-iops -d 'Limit write rate (IO per second) to a device' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l health-cmd -d 'Command to run to check health' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l health-interval -d 'Time between running the check (ms|s|m|h) (default 0s)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l health-timeout -d 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l health-retries -d 'Consecutive failures needed to report unhealthy' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l health-start-period -d 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l health-start-interval -d 'Time between running the check during the start period (ms|s|m|h) (default 0s)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand run" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand run" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand run" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand run" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand run" -s q -l quiet -d 'Suppress the pull output'
complete -c berth -n "__fish_berth_using_subcommand run" -l no-healthcheck -d 'Disable any container-specified HEALTHCHECK'
complete -c berth -n "__fish_berth_using_subcommand run" -l help -d 'Print usage'
complete -c berth -n "__fish_berth_using_subcommand run" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand create" -l name -d 'Assign a name to the container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s e -l env -d 'Set environment variables' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l env-file -d 'Read in a file of environment variables' -r -F
complete -c berth -n "__fish_berth_using_subcommand create" -l entrypoint -d 'Overwrite the default ENTRYPOINT of the image' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s w -l workdir -d 'Working directory inside the container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s u -l user -d 'Username or UID (format: <name|uid>[:<group|gid>])' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s h -l hostname -d 'Container host name' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s l -l label -d 'Set meta data on a container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s v -l volume -d 'Bind mount a volume' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l mount -d 'Attach a filesystem mount to the container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l tmpfs -d 'Mount a tmpfs directory' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l read-only -d 'Mount the container\'s root filesystem as read only' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cap-add -d 'Add Linux capabilities' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cap-drop -d 'Drop Linux capabilities' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l privileged -d 'Give extended privileges to this container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l security-opt -d 'Security Options' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s m -l memory -d 'Memory limit' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l memory-swap -d 'Swap limit equal to memory plus swap: \'-1\' to enable unlimited swap' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cpus -d 'Number of CPUs' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s c -l cpu-shares -d 'CPU shares (relative weight)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cpuset-cpus -d 'CPUs in which to allow execution (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l pids-limit -d 'Tune container pids limit (set -1 for unlimited)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l memory-reservation -d 'Memory soft limit' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cpu-period -d 'Limit CPU CFS (Completely Fair Scheduler) period' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cpu-quota -d 'Limit CPU CFS (Completely Fair Scheduler) quota' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cpuset-mems -d 'MEMs in which to allow execution (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l blkio-weight -d 'Block IO (relative weight), between 10 and 1000, or 0 to disable' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l kernel-memory -d 'Kernel memory limit (deprecated: accepted and ignored, as docker does)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l ulimit -d 'Ulimit options' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l shm-size -d 'Size of /dev/shm' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s t -l tty -d 'Allocate a pseudo-TTY' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s i -l interactive -d 'Keep STDIN open even if not attached' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l stop-signal -d 'Signal to stop the container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l stop-timeout -d 'Timeout (in seconds) to stop a container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l network -d 'Connect a container to a network (bridge, none, host, container:<name|id>, or a network name)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l pod -d 'Run the container in an existing pod, or "new:NAME" to create it (podman)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l init -d 'Run an init inside the container that forwards signals and reaps processes' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s p -l publish -d 'Publish a container\'s port(s) to the host' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s P -l publish-all -d 'Publish all exposed ports to random ports' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l network-alias -d 'Add network-scoped alias for the container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l add-host -d 'Add a custom host-to-IP mapping (host:ip)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l dns -d 'Set custom DNS servers' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l dns-search -d 'Set custom DNS search domains' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l dns-option -d 'Set DNS options' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l mac-address -d 'Container MAC address (e.g., 92:d0:c6:0a:29:33)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l ip -d 'IPv4 address (e.g., 172.30.100.104)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l rm -d 'Automatically remove the container when it exits' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l restart -d 'Restart policy to apply when a container exits ("no", "always", "on-failure[:max-retries]", "unless-stopped")' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l pull -d 'Pull image before running ("always", "missing", "never")' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cidfile -d 'Write the container ID to the file' -r -F
complete -c berth -n "__fish_berth_using_subcommand create" -l label-file -d 'Read in a line delimited file of labels' -r -F
complete -c berth -n "__fish_berth_using_subcommand create" -l expose -d 'Expose a port or a range of ports' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l domainname -d 'Container NIS domain name' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l annotation -d 'Add an annotation to the container (passed through to the OCI runtime)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l isolation -d 'Container isolation technology (only "default" on Linux)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l disable-content-trust -d 'Skip image verification (berth verifies no signatures: accepted, no effect)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l gpus -d 'GPU devices to add to the container (berth has no GPU runtime: refused)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l platform -d 'Set platform if server is multi-platform capable (only the host\'s)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l pid -d 'PID namespace to use (host, container:<name|id>)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l ipc -d 'IPC mode to use (private, shareable, none, host, container:<name|id>)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l uts -d 'UTS namespace to use (host)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l link -d 'Add link to another container (NAME[:ALIAS])' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l userns -d 'User namespace to use (host; keep-id for rootless, as podman)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cgroupns -d 'Cgroup namespace to use (host|private)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l sysctl -d 'Sysctl options' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l group-add -d 'Add additional groups to join' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l oom-score-adj -d 'Tune host\'s OOM preferences (-1000 to 1000)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l memory-swappiness -d 'Tune container memory swappiness (0 to 100)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l oom-kill-disable -d 'Disable OOM Killer' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l cgroup-parent -d 'Optional parent cgroup for the container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l log-driver -d 'Logging driver for the container (json-file, local, none)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l log-opt -d 'Log driver options (max-size, max-file)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l volumes-from -d 'Mount volumes from the specified container(s)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l device -d 'Add a host device to the container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l device-cgroup-rule -d 'Add a rule to the cgroup allowed devices list' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s a -l attach -d 'Attach to STDIN, STDOUT or STDERR' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l detach-keys -d 'Override the key sequence for detaching a container' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l device-read-bps -d 'Limit read rate (bytes per second) from a device' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l device-write-bps -d 'Limit write rate (bytes per second) to a device' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l device-read-iops -d 'Limit read rate (IO per second) from a device' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l device-write-iops -d 'Limit write rate (IO per second) to a device' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l health-cmd -d 'Command to run to check health' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l health-interval -d 'Time between running the check (ms|s|m|h) (default 0s)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l health-timeout -d 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l health-retries -d 'Consecutive failures needed to report unhealthy' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l health-start-period -d 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l health-start-interval -d 'Time between running the check during the start period (ms|s|m|h) (default 0s)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand create" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand create" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand create" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand create" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand create" -s q -l quiet -d 'Suppress the pull output'
complete -c berth -n "__fish_berth_using_subcommand create" -l no-healthcheck -d 'Disable any container-specified HEALTHCHECK'
complete -c berth -n "__fish_berth_using_subcommand create" -l help -d 'Print usage'
complete -c berth -n "__fish_berth_using_subcommand create" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand start" -l detach-keys -d 'Override the key sequence for detaching a container' -r
complete -c berth -n "__fish_berth_using_subcommand start" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand start" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand start" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand start" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand start" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand start" -s a -l attach -d 'Attach STDOUT/STDERR and forward signals'
complete -c berth -n "__fish_berth_using_subcommand start" -s i -l interactive -d 'Attach container\'s STDIN'
complete -c berth -n "__fish_berth_using_subcommand start" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand start" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand ps" -s n -l last -d 'Show n last created containers (includes all states)' -r
complete -c berth -n "__fish_berth_using_subcommand ps" -s f -l filter -d 'Filter output based on conditions provided' -r
complete -c berth -n "__fish_berth_using_subcommand ps" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand ps" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand ps" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand ps" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand ps" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand ps" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand ps" -s a -l all -d 'Show all containers (default shows just running)'
complete -c berth -n "__fish_berth_using_subcommand ps" -s q -l quiet -d 'Only display container IDs'
complete -c berth -n "__fish_berth_using_subcommand ps" -s l -l latest -d 'Show the latest created container (includes all states)'
complete -c berth -n "__fish_berth_using_subcommand ps" -s s -l size -d 'Display total file sizes'
complete -c berth -n "__fish_berth_using_subcommand ps" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand ps" -l pod -d 'Print the ID and name of the pod the containers are associated with (podman)'
complete -c berth -n "__fish_berth_using_subcommand ps" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand ps" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand logs" -s n -l tail -d 'Number of lines to show from the end of the logs' -r
complete -c berth -n "__fish_berth_using_subcommand logs" -l since -d 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' -r
complete -c berth -n "__fish_berth_using_subcommand logs" -l until -d 'Show logs before a timestamp or relative' -r
complete -c berth -n "__fish_berth_using_subcommand logs" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand logs" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand logs" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand logs" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand logs" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand logs" -s f -l follow -d 'Follow log output'
complete -c berth -n "__fish_berth_using_subcommand logs" -s t -l timestamps -d 'Show timestamps'
complete -c berth -n "__fish_berth_using_subcommand logs" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand logs" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand exec" -s e -l env -d 'Set environment variables' -r
complete -c berth -n "__fish_berth_using_subcommand exec" -l env-file -d 'Read in a file of environment variables' -r -F
complete -c berth -n "__fish_berth_using_subcommand exec" -s u -l user -d 'Username or UID (format: "<name|uid>[:<group|gid>]")' -r
complete -c berth -n "__fish_berth_using_subcommand exec" -s w -l workdir -d 'Working directory inside the container' -r
complete -c berth -n "__fish_berth_using_subcommand exec" -l detach-keys -d 'Override the key sequence for detaching a container' -r
complete -c berth -n "__fish_berth_using_subcommand exec" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand exec" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand exec" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand exec" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand exec" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand exec" -s d -l detach -d 'Detached mode: run command in the background'
complete -c berth -n "__fish_berth_using_subcommand exec" -s i -l interactive -d 'Keep STDIN open even if not attached'
complete -c berth -n "__fish_berth_using_subcommand exec" -s t -l tty -d 'Allocate a pseudo-TTY'
complete -c berth -n "__fish_berth_using_subcommand exec" -l privileged -d 'Give extended privileges to the command'
complete -c berth -n "__fish_berth_using_subcommand exec" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand exec" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand stop" -s t -l time -d 'Seconds to wait before killing the container' -r
complete -c berth -n "__fish_berth_using_subcommand stop" -s s -l signal -d 'Signal to send to the container' -r
complete -c berth -n "__fish_berth_using_subcommand stop" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand stop" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand stop" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand stop" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand stop" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand stop" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand stop" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand restart" -s t -l time -d 'Seconds to wait before killing the container' -r
complete -c berth -n "__fish_berth_using_subcommand restart" -s s -l signal -d 'Signal to send to the container' -r
complete -c berth -n "__fish_berth_using_subcommand restart" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand restart" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand restart" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand restart" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand restart" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand restart" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand restart" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand kill" -s s -l signal -d 'Signal to send to the container' -r
complete -c berth -n "__fish_berth_using_subcommand kill" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand kill" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand kill" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand kill" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand kill" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand kill" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand kill" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand rm" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rm" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rm" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rm" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand rm" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand rm" -s f -l force -d 'Force the removal of a running container (uses SIGKILL)'
complete -c berth -n "__fish_berth_using_subcommand rm" -s v -l volumes -d 'Remove anonymous volumes associated with the container'
complete -c berth -n "__fish_berth_using_subcommand rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand rm" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand wait" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand wait" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand wait" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand wait" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand wait" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand wait" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand wait" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand inspect" -s f -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand inspect" -l type -d 'Return JSON for specified type' -r
complete -c berth -n "__fish_berth_using_subcommand inspect" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand inspect" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand inspect" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand inspect" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand inspect" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand inspect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand rename" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rename" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rename" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand rename" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand rename" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand rename" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand rename" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand port" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand port" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand port" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand port" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand port" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand port" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand port" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pause" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pause" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pause" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pause" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pause" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pause" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand unpause" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand unpause" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand unpause" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand unpause" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand unpause" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand unpause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand unpause" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand top" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand top" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand top" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand top" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand top" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand top" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand top" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand diff" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand diff" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand diff" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand diff" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand diff" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand diff" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand diff" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand attach" -l sig-proxy -d 'Proxy all received signals to the process' -r
complete -c berth -n "__fish_berth_using_subcommand attach" -l detach-keys -d 'Override the key sequence for detaching a container' -r
complete -c berth -n "__fish_berth_using_subcommand attach" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand attach" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand attach" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand attach" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand attach" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand attach" -l no-stdin -d 'Do not attach STDIN'
complete -c berth -n "__fish_berth_using_subcommand attach" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand attach" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand cp" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand cp" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand cp" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand cp" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand cp" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand cp" -s a -l archive -d 'Archive mode (copy all uid/gid information)'
complete -c berth -n "__fish_berth_using_subcommand cp" -s L -l follow-link -d 'Always follow symbol link in SRC_PATH'
complete -c berth -n "__fish_berth_using_subcommand cp" -s q -l quiet -d 'Suppress progress output during copy (berth prints none)'
complete -c berth -n "__fish_berth_using_subcommand cp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c berth -n "__fish_berth_using_subcommand cp" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand stats" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand stats" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand stats" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand stats" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand stats" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand stats" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand stats" -l no-stream -d 'Disable streaming stats and only pull the first result'
complete -c berth -n "__fish_berth_using_subcommand stats" -s a -l all -d 'Show all containers (default shows just running)'
complete -c berth -n "__fish_berth_using_subcommand stats" -l no-trunc -d 'Do not truncate output'
complete -c berth -n "__fish_berth_using_subcommand stats" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand stats" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand update" -s m -l memory -d 'Memory limit' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l memory-swap -d 'Swap limit equal to memory plus swap: \'-1\' to enable unlimited swap' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l cpus -d 'Number of CPUs' -r
complete -c berth -n "__fish_berth_using_subcommand update" -s c -l cpu-shares -d 'CPU shares (relative weight)' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l cpuset-cpus -d 'CPUs in which to allow execution (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l pids-limit -d 'Tune container pids limit (set -1 for unlimited)' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l memory-reservation -d 'Memory soft limit' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l cpu-period -d 'Limit CPU CFS (Completely Fair Scheduler) period' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l cpu-quota -d 'Limit CPU CFS (Completely Fair Scheduler) quota' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l cpuset-mems -d 'MEMs in which to allow execution (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l blkio-weight -d 'Block IO (relative weight), between 10 and 1000, or 0 to disable' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l kernel-memory -d 'Kernel memory limit (deprecated: accepted and ignored, as docker does)' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l restart -d 'Restart policy to apply when a container exits' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand update" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand update" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand update" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand update" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand update" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand update" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand commit" -s a -l author -d 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' -r
complete -c berth -n "__fish_berth_using_subcommand commit" -s c -l change -d 'Apply Dockerfile instruction to the created image' -r
complete -c berth -n "__fish_berth_using_subcommand commit" -s m -l message -d 'Commit message' -r
complete -c berth -n "__fish_berth_using_subcommand commit" -s p -l pause -d 'Pause container during commit' -r
complete -c berth -n "__fish_berth_using_subcommand commit" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand commit" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand commit" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand commit" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand commit" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand commit" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand commit" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand export" -s o -l output -d 'Write to a file, instead of STDOUT' -r -F
complete -c berth -n "__fish_berth_using_subcommand export" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand export" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand export" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand export" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand export" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand export" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand export" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "run" -d 'Create and run a new container from an image'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "create" -d 'Create a new container'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "start" -d 'Start one or more stopped containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "ps" -d 'List containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "logs" -d 'Fetch the logs of a container'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "exec" -d 'Execute a command in a running container'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "stop" -d 'Stop one or more running containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "restart" -d 'Restart one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "kill" -d 'Kill one or more running containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "rm" -d 'Remove one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "wait" -d 'Block until one or more containers stop, then print their exit codes'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "inspect" -d 'Return low-level information on containers and volumes'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "rename" -d 'Rename a container'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "port" -d 'List port mappings or a specific mapping for the container'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "pause" -d 'Pause all processes within one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "unpause" -d 'Unpause all processes within one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "top" -d 'Display the running processes of a container'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "diff" -d 'Inspect changes to files or directories on a container\'s filesystem'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "attach" -d 'Attach local standard input, output, and error streams to a running container'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "cp" -d 'Copy files/folders between a container and the local filesystem'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "stats" -d 'Display a live stream of container(s) resource usage statistics'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "update" -d 'Update configuration of one or more containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "commit" -d 'Create a new image from a container\'s changes'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "export" -d 'Export a container\'s filesystem as a tar archive'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "ls" -d 'List containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "list" -d 'List containers'
complete -c berth -n "__fish_berth_using_subcommand container; and not __fish_seen_subcommand_from run create start ps logs exec stop restart kill rm wait inspect rename port pause unpause top diff attach cp stats update commit export ls list prune" -f -a "prune" -d 'Remove all stopped containers'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s d -l detach -d 'Run container in background and print container ID' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l sig-proxy -d 'Proxy received signals to the process' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l name -d 'Assign a name to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s e -l env -d 'Set environment variables' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l env-file -d 'Read in a file of environment variables' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l entrypoint -d 'Overwrite the default ENTRYPOINT of the image' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s w -l workdir -d 'Working directory inside the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s u -l user -d 'Username or UID (format: <name|uid>[:<group|gid>])' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s h -l hostname -d 'Container host name' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s l -l label -d 'Set meta data on a container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s v -l volume -d 'Bind mount a volume' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l mount -d 'Attach a filesystem mount to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l tmpfs -d 'Mount a tmpfs directory' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l read-only -d 'Mount the container\'s root filesystem as read only' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cap-add -d 'Add Linux capabilities' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cap-drop -d 'Drop Linux capabilities' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l privileged -d 'Give extended privileges to this container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l security-opt -d 'Security Options' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s m -l memory -d 'Memory limit' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l memory-swap -d 'Swap limit equal to memory plus swap: \'-1\' to enable unlimited swap' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cpus -d 'Number of CPUs' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s c -l cpu-shares -d 'CPU shares (relative weight)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cpuset-cpus -d 'CPUs in which to allow execution (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l pids-limit -d 'Tune container pids limit (set -1 for unlimited)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l memory-reservation -d 'Memory soft limit' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cpu-period -d 'Limit CPU CFS (Completely Fair Scheduler) period' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cpu-quota -d 'Limit CPU CFS (Completely Fair Scheduler) quota' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cpuset-mems -d 'MEMs in which to allow execution (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l blkio-weight -d 'Block IO (relative weight), between 10 and 1000, or 0 to disable' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l kernel-memory -d 'Kernel memory limit (deprecated: accepted and ignored, as docker does)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l ulimit -d 'Ulimit options' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l shm-size -d 'Size of /dev/shm' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s t -l tty -d 'Allocate a pseudo-TTY' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s i -l interactive -d 'Keep STDIN open even if not attached' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l stop-signal -d 'Signal to stop the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l stop-timeout -d 'Timeout (in seconds) to stop a container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l network -d 'Connect a container to a network (bridge, none, host, container:<name|id>, or a network name)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l pod -d 'Run the container in an existing pod, or "new:NAME" to create it (podman)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l init -d 'Run an init inside the container that forwards signals and reaps processes' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s p -l publish -d 'Publish a container\'s port(s) to the host' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s P -l publish-all -d 'Publish all exposed ports to random ports' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l network-alias -d 'Add network-scoped alias for the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l add-host -d 'Add a custom host-to-IP mapping (host:ip)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l dns -d 'Set custom DNS servers' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l dns-search -d 'Set custom DNS search domains' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l dns-option -d 'Set DNS options' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l mac-address -d 'Container MAC address (e.g., 92:d0:c6:0a:29:33)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l ip -d 'IPv4 address (e.g., 172.30.100.104)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l rm -d 'Automatically remove the container when it exits' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l restart -d 'Restart policy to apply when a container exits ("no", "always", "on-failure[:max-retries]", "unless-stopped")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l pull -d 'Pull image before running ("always", "missing", "never")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cidfile -d 'Write the container ID to the file' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l label-file -d 'Read in a line delimited file of labels' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l expose -d 'Expose a port or a range of ports' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l domainname -d 'Container NIS domain name' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l annotation -d 'Add an annotation to the container (passed through to the OCI runtime)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l isolation -d 'Container isolation technology (only "default" on Linux)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l disable-content-trust -d 'Skip image verification (berth verifies no signatures: accepted, no effect)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l gpus -d 'GPU devices to add to the container (berth has no GPU runtime: refused)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l platform -d 'Set platform if server is multi-platform capable (only the host\'s)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l pid -d 'PID namespace to use (host, container:<name|id>)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l ipc -d 'IPC mode to use (private, shareable, none, host, container:<name|id>)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l uts -d 'UTS namespace to use (host)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l link -d 'Add link to another container (NAME[:ALIAS])' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l userns -d 'User namespace to use (host; keep-id for rootless, as podman)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cgroupns -d 'Cgroup namespace to use (host|private)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l sysctl -d 'Sysctl options' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l group-add -d 'Add additional groups to join' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l oom-score-adj -d 'Tune host\'s OOM preferences (-1000 to 1000)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l memory-swappiness -d 'Tune container memory swappiness (0 to 100)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l oom-kill-disable -d 'Disable OOM Killer' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l cgroup-parent -d 'Optional parent cgroup for the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l log-driver -d 'Logging driver for the container (json-file, local, none)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l log-opt -d 'Log driver options (max-size, max-file)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l volumes-from -d 'Mount volumes from the specified container(s)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l device -d 'Add a host device to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l device-cgroup-rule -d 'Add a rule to the cgroup allowed devices list' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s a -l attach -d 'Attach to STDIN, STDOUT or STDERR' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l detach-keys -d 'Override the key sequence for detaching a container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l device-read-bps -d 'Limit read rate (bytes per second) from a device' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l device-write-bps -d 'Limit write rate (bytes per second) to a device' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l device-read-iops -d 'Limit read rate (IO per second) from a device' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l device-write-iops -d 'Limit write rate (IO per second) to a device' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l health-cmd -d 'Command to run to check health' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l health-interval -d 'Time between running the check (ms|s|m|h) (default 0s)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l health-timeout -d 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l health-retries -d 'Consecutive failures needed to report unhealthy' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l health-start-period -d 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l health-start-interval -d 'Time between running the check during the start period (ms|s|m|h) (default 0s)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s q -l quiet -d 'Suppress the pull output'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l no-healthcheck -d 'Disable any container-specified HEALTHCHECK'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -l help -d 'Print usage'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from run" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l name -d 'Assign a name to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s e -l env -d 'Set environment variables' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l env-file -d 'Read in a file of environment variables' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l entrypoint -d 'Overwrite the default ENTRYPOINT of the image' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s w -l workdir -d 'Working directory inside the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s u -l user -d 'Username or UID (format: <name|uid>[:<group|gid>])' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s h -l hostname -d 'Container host name' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s l -l label -d 'Set meta data on a container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s v -l volume -d 'Bind mount a volume' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l mount -d 'Attach a filesystem mount to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l tmpfs -d 'Mount a tmpfs directory' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l read-only -d 'Mount the container\'s root filesystem as read only' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cap-add -d 'Add Linux capabilities' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cap-drop -d 'Drop Linux capabilities' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l privileged -d 'Give extended privileges to this container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l security-opt -d 'Security Options' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s m -l memory -d 'Memory limit' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l memory-swap -d 'Swap limit equal to memory plus swap: \'-1\' to enable unlimited swap' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cpus -d 'Number of CPUs' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s c -l cpu-shares -d 'CPU shares (relative weight)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cpuset-cpus -d 'CPUs in which to allow execution (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l pids-limit -d 'Tune container pids limit (set -1 for unlimited)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l memory-reservation -d 'Memory soft limit' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cpu-period -d 'Limit CPU CFS (Completely Fair Scheduler) period' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cpu-quota -d 'Limit CPU CFS (Completely Fair Scheduler) quota' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cpuset-mems -d 'MEMs in which to allow execution (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l blkio-weight -d 'Block IO (relative weight), between 10 and 1000, or 0 to disable' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l kernel-memory -d 'Kernel memory limit (deprecated: accepted and ignored, as docker does)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l ulimit -d 'Ulimit options' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l shm-size -d 'Size of /dev/shm' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s t -l tty -d 'Allocate a pseudo-TTY' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s i -l interactive -d 'Keep STDIN open even if not attached' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l stop-signal -d 'Signal to stop the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l stop-timeout -d 'Timeout (in seconds) to stop a container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l network -d 'Connect a container to a network (bridge, none, host, container:<name|id>, or a network name)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l pod -d 'Run the container in an existing pod, or "new:NAME" to create it (podman)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l init -d 'Run an init inside the container that forwards signals and reaps processes' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s p -l publish -d 'Publish a container\'s port(s) to the host' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s P -l publish-all -d 'Publish all exposed ports to random ports' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l network-alias -d 'Add network-scoped alias for the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l add-host -d 'Add a custom host-to-IP mapping (host:ip)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l dns -d 'Set custom DNS servers' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l dns-search -d 'Set custom DNS search domains' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l dns-option -d 'Set DNS options' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l mac-address -d 'Container MAC address (e.g., 92:d0:c6:0a:29:33)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l ip -d 'IPv4 address (e.g., 172.30.100.104)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l rm -d 'Automatically remove the container when it exits' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l restart -d 'Restart policy to apply when a container exits ("no", "always", "on-failure[:max-retries]", "unless-stopped")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l pull -d 'Pull image before running ("always", "missing", "never")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cidfile -d 'Write the container ID to the file' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l label-file -d 'Read in a line delimited file of labels' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l expose -d 'Expose a port or a range of ports' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l domainname -d 'Container NIS domain name' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l annotation -d 'Add an annotation to the container (passed through to the OCI runtime)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l isolation -d 'Container isolation technology (only "default" on Linux)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l disable-content-trust -d 'Skip image verification (berth verifies no signatures: accepted, no effect)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l gpus -d 'GPU devices to add to the container (berth has no GPU runtime: refused)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l platform -d 'Set platform if server is multi-platform capable (only the host\'s)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l pid -d 'PID namespace to use (host, container:<name|id>)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l ipc -d 'IPC mode to use (private, shareable, none, host, container:<name|id>)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l uts -d 'UTS namespace to use (host)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l link -d 'Add link to another container (NAME[:ALIAS])' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l userns -d 'User namespace to use (host; keep-id for rootless, as podman)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cgroupns -d 'Cgroup namespace to use (host|private)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l sysctl -d 'Sysctl options' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l group-add -d 'Add additional groups to join' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l oom-score-adj -d 'Tune host\'s OOM preferences (-1000 to 1000)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l memory-swappiness -d 'Tune container memory swappiness (0 to 100)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l oom-kill-disable -d 'Disable OOM Killer' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l cgroup-parent -d 'Optional parent cgroup for the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l log-driver -d 'Logging driver for the container (json-file, local, none)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l log-opt -d 'Log driver options (max-size, max-file)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l volumes-from -d 'Mount volumes from the specified container(s)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l device -d 'Add a host device to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l device-cgroup-rule -d 'Add a rule to the cgroup allowed devices list' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s a -l attach -d 'Attach to STDIN, STDOUT or STDERR' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l detach-keys -d 'Override the key sequence for detaching a container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l device-read-bps -d 'Limit read rate (bytes per second) from a device' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l device-write-bps -d 'Limit write rate (bytes per second) to a device' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l device-read-iops -d 'Limit read rate (IO per second) from a device' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l device-write-iops -d 'Limit write rate (IO per second) to a device' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l health-cmd -d 'Command to run to check health' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l health-interval -d 'Time between running the check (ms|s|m|h) (default 0s)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l health-timeout -d 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l health-retries -d 'Consecutive failures needed to report unhealthy' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l health-start-period -d 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l health-start-interval -d 'Time between running the check during the start period (ms|s|m|h) (default 0s)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s q -l quiet -d 'Suppress the pull output'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l no-healthcheck -d 'Disable any container-specified HEALTHCHECK'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -l help -d 'Print usage'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -l detach-keys -d 'Override the key sequence for detaching a container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -s a -l attach -d 'Attach STDOUT/STDERR and forward signals'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -s i -l interactive -d 'Attach container\'s STDIN'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from start" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s n -l last -d 'Show n last created containers (includes all states)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s f -l filter -d 'Filter output based on conditions provided' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s a -l all -d 'Show all containers (default shows just running)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s q -l quiet -d 'Only display container IDs'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s l -l latest -d 'Show the latest created container (includes all states)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s s -l size -d 'Display total file sizes'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -l pod -d 'Print the ID and name of the pod the containers are associated with (podman)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ps" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -s n -l tail -d 'Number of lines to show from the end of the logs' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -l since -d 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -l until -d 'Show logs before a timestamp or relative' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -s f -l follow -d 'Follow log output'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -s t -l timestamps -d 'Show timestamps'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from logs" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -s e -l env -d 'Set environment variables' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -l env-file -d 'Read in a file of environment variables' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -s u -l user -d 'Username or UID (format: "<name|uid>[:<group|gid>]")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -s w -l workdir -d 'Working directory inside the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -l detach-keys -d 'Override the key sequence for detaching a container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -s d -l detach -d 'Detached mode: run command in the background'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -s i -l interactive -d 'Keep STDIN open even if not attached'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -s t -l tty -d 'Allocate a pseudo-TTY'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -l privileged -d 'Give extended privileges to the command'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from exec" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -s t -l time -d 'Seconds to wait before killing the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -s s -l signal -d 'Signal to send to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stop" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -s t -l time -d 'Seconds to wait before killing the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -s s -l signal -d 'Signal to send to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from restart" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from kill" -s s -l signal -d 'Signal to send to the container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from kill" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from kill" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from kill" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from kill" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from kill" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from kill" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from kill" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s f -l force -d 'Force the removal of a running container (uses SIGKILL)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s v -l volumes -d 'Remove anonymous volumes associated with the container'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from wait" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from wait" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from wait" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from wait" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from wait" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from wait" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from wait" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -l type -d 'Return JSON for specified type' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rename" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rename" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rename" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rename" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rename" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rename" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from rename" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from port" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from port" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from port" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from port" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from port" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from port" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from port" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from pause" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from pause" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from pause" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from pause" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from pause" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from pause" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unpause" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unpause" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unpause" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unpause" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unpause" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unpause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from unpause" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from top" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from top" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from top" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from top" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from top" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from top" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from top" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from diff" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from diff" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from diff" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from diff" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from diff" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from diff" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from diff" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -l sig-proxy -d 'Proxy all received signals to the process' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -l detach-keys -d 'Override the key sequence for detaching a container' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -l no-stdin -d 'Do not attach STDIN'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from attach" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -s a -l archive -d 'Archive mode (copy all uid/gid information)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -s L -l follow-link -d 'Always follow symbol link in SRC_PATH'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -s q -l quiet -d 'Suppress progress output during copy (berth prints none)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from cp" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -l no-stream -d 'Disable streaming stats and only pull the first result'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -s a -l all -d 'Show all containers (default shows just running)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -l no-trunc -d 'Do not truncate output'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from stats" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -s m -l memory -d 'Memory limit' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l memory-swap -d 'Swap limit equal to memory plus swap: \'-1\' to enable unlimited swap' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l cpus -d 'Number of CPUs' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -s c -l cpu-shares -d 'CPU shares (relative weight)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l cpuset-cpus -d 'CPUs in which to allow execution (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l pids-limit -d 'Tune container pids limit (set -1 for unlimited)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l memory-reservation -d 'Memory soft limit' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l cpu-period -d 'Limit CPU CFS (Completely Fair Scheduler) period' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l cpu-quota -d 'Limit CPU CFS (Completely Fair Scheduler) quota' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l cpuset-mems -d 'MEMs in which to allow execution (0-3, 0,1)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l blkio-weight -d 'Block IO (relative weight), between 10 and 1000, or 0 to disable' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l kernel-memory -d 'Kernel memory limit (deprecated: accepted and ignored, as docker does)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l restart -d 'Restart policy to apply when a container exits' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -s a -l author -d 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -s c -l change -d 'Apply Dockerfile instruction to the created image' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -s m -l message -d 'Commit message' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -s p -l pause -d 'Pause container during commit' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from commit" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from export" -s o -l output -d 'Write to a file, instead of STDOUT' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from export" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from export" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from export" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from export" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from export" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s n -l last -d 'Show n last created containers (includes all states)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter output based on conditions provided' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s a -l all -d 'Show all containers (default shows just running)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only display container IDs'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s l -l latest -d 'Show the latest created container (includes all states)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s s -l size -d 'Display total file sizes'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -l pod -d 'Print the ID and name of the pod the containers are associated with (podman)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s n -l last -d 'Show n last created containers (includes all states)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s f -l filter -d 'Filter output based on conditions provided' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s a -l all -d 'Show all containers (default shows just running)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only display container IDs'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s l -l latest -d 'Show the latest created container (includes all states)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s s -l size -d 'Display total file sizes'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -l pod -d 'Print the ID and name of the pod the containers are associated with (podman)'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -l filter -d 'Provide filter values (e.g. "until=<timestamp>")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand container; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -f -a "create" -d 'Create a volume'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -f -a "ls" -d 'List volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -f -a "list" -d 'List volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -f -a "inspect" -d 'Display detailed information on one or more volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -f -a "rm" -d 'Remove one or more volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -f -a "remove" -d 'Remove one or more volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and not __fish_seen_subcommand_from create ls list inspect rm remove prune" -f -a "prune" -d 'Remove unused local volumes'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -l label -d 'Set metadata for a volume' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -s d -l driver -d 'Specify volume driver name' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -s o -l opt -d 'Set driver specific options (the local driver\'s type, device and o)' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -l format -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Provide filter values (e.g. "dangling=true")' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -s q -l quiet
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -l format -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -s f -l filter -d 'Provide filter values (e.g. "dangling=true")' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -s q -l quiet
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s f -l format -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from inspect" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from inspect" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from inspect" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from inspect" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -s f -l force
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -s f -l force
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -l filter -d 'Provide filter values (e.g. "label=<label>")' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -s f -l force
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove all unused volumes, not just anonymous ones'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand volume; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand internal; and not __fish_seen_subcommand_from monitor pause init build-stage" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal; and not __fish_seen_subcommand_from monitor pause init build-stage" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal; and not __fish_seen_subcommand_from monitor pause init build-stage" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal; and not __fish_seen_subcommand_from monitor pause init build-stage" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand internal; and not __fish_seen_subcommand_from monitor pause init build-stage" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand internal; and not __fish_seen_subcommand_from monitor pause init build-stage" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand internal; and not __fish_seen_subcommand_from monitor pause init build-stage" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand internal; and not __fish_seen_subcommand_from monitor pause init build-stage" -f -a "monitor" -d 'The per-container supervisor (started by berth itself)'
complete -c berth -n "__fish_berth_using_subcommand internal; and not __fish_seen_subcommand_from monitor pause init build-stage" -f -a "pause" -d 'The pod infra process: hold the pod\'s namespaces and reap orphans'
complete -c berth -n "__fish_berth_using_subcommand internal; and not __fish_seen_subcommand_from monitor pause init build-stage" -f -a "init" -d '`--init`: run COMMAND as a child, forward signals, reap orphans'
complete -c berth -n "__fish_berth_using_subcommand internal; and not __fish_seen_subcommand_from monitor pause init build-stage" -f -a "build-stage" -d 'One stage of a build, for `berth build` (its job on stdin, progress on stdout)'
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from monitor" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from monitor" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from monitor" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from monitor" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from monitor" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from monitor" -l attach -d 'Wait for one attach client before launching'
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from monitor" -l wait-go -d 'Started before the container was created: wait for the go byte on fd 5 first'
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from monitor" -l early-cgroup -d 'Meanwhile make the container\'s cgroup directories (`berth/<id>`)'
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from monitor" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from monitor" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from pause" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from pause" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from pause" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from pause" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from pause" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from pause" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from init" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from init" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from init" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from init" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from init" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from build-stage" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from build-stage" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from build-stage" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from build-stage" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from build-stage" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from build-stage" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand internal; and __fish_seen_subcommand_from build-stage" -s V -l version -d 'Print version'
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
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from info df prune events" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from info df prune events" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from info df prune events" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from info df prune events" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from info df prune events" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from info df prune events" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from info df prune events" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from info df prune events" -f -a "info" -d 'Display system-wide information'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from info df prune events" -f -a "df" -d 'Show berth disk usage'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from info df prune events" -f -a "prune" -d 'Remove unused data'
complete -c berth -n "__fish_berth_using_subcommand system; and not __fish_seen_subcommand_from info df prune events" -f -a "events" -d 'Get real time events from berth'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from info" -s f -l format -d 'Format output using a custom template: \'json\' or a Go template' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from info" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from info" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from info" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from info" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from info" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from info" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from info" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -l format -d 'Format output using a custom template: \'table\', \'table TEMPLATE\', \'json\' or a Go template' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -s v -l verbose -d 'Show detailed information on space usage'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from df" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -l filter -d 'Provide filter values (e.g. "label=<key>=<value>")' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove all unused images not just dangling ones'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -l volumes -d 'Prune anonymous volumes'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l since -d 'Show all events created since timestamp' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l until -d 'Stream events until this timestamp' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -s f -l filter -d 'Filter output based on conditions provided' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l format -d 'Format output using a custom template: \'json\' or a Go template' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand system; and __fish_seen_subcommand_from events" -s V -l version -d 'Print version'
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
complete -c berth -n "__fish_berth_using_subcommand events" -l since -d 'Show all events created since timestamp' -r
complete -c berth -n "__fish_berth_using_subcommand events" -l until -d 'Stream events until this timestamp' -r
complete -c berth -n "__fish_berth_using_subcommand events" -s f -l filter -d 'Filter output based on conditions provided' -r
complete -c berth -n "__fish_berth_using_subcommand events" -l format -d 'Format output using a custom template: \'json\' or a Go template' -r
complete -c berth -n "__fish_berth_using_subcommand events" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand events" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand events" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand events" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand events" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand events" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand events" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand completion" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand completion" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand completion" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand completion" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand completion" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand completion" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand completion" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and not __fish_seen_subcommand_from create ls inspect rm prune connect disconnect" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
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
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l ip-range -d 'Allocate container ip from a sub-range' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l aux-address -d 'Auxiliary IPv4 addresses used by Network driver' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l attachable -d 'Enable manual container attachment' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l ipv6 -d 'Enable or disable IPv6 networking (berth networks are IPv4 only)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Provide filter values (e.g. "driver=bridge")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only display network IDs'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Do not truncate the output'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -s f -l force -d 'Do not error if the network does not exist'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -l filter -d 'Provide filter values (e.g. "label=<key>=<value>")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l alias -d 'Add network-scoped alias for the container' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from connect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s f -l force -d 'Force the container to disconnect from a network'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand network; and __fish_seen_subcommand_from disconnect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and not __fish_seen_subcommand_from port-forward setup teardown cleanup attach-rootless" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and not __fish_seen_subcommand_from port-forward setup teardown cleanup attach-rootless" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and not __fish_seen_subcommand_from port-forward setup teardown cleanup attach-rootless" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and not __fish_seen_subcommand_from port-forward setup teardown cleanup attach-rootless" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and not __fish_seen_subcommand_from port-forward setup teardown cleanup attach-rootless" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
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
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from port-forward" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
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
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from setup" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from teardown" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from teardown" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from teardown" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from teardown" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from teardown" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from teardown" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from teardown" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from cleanup" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from cleanup" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from cleanup" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from cleanup" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from cleanup" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
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
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from attach-rootless" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from attach-rootless" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand internal-network; and __fish_seen_subcommand_from attach-rootless" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -f -a "create" -d 'Create a new empty pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -f -a "ps" -d 'List pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -f -a "ls" -d 'List pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -f -a "list" -d 'List pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -f -a "inspect" -d 'Display a pod\'s configuration'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -f -a "top" -d 'Display the running processes of the containers in a pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -f -a "logs" -d 'Fetch the logs of the containers of a pod'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -f -a "start" -d 'Start one or more pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -f -a "stop" -d 'Stop one or more pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -f -a "restart" -d 'Restart one or more pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -f -a "kill" -d 'Send a signal to the containers of one or more pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -f -a "pause" -d 'Pause every container of one or more pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -f -a "unpause" -d 'Unpause every container of one or more pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -f -a "rm" -d 'Remove one or more pods'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -f -a "prune" -d 'Remove every pod without running containers'
complete -c berth -n "__fish_berth_using_subcommand pod; and not __fish_seen_subcommand_from create ps ls list inspect top logs start stop restart kill pause unpause rm prune exists" -f -a "exists" -d 'Exit 0 when the pod exists, 1 otherwise (prints nothing)'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -s n -l name -d 'Assign a name to the pod' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -s p -l publish -d 'Publish a port of the pod to the host' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l share -d 'Namespaces to share ("ipc,net,uts" by default; "+pid" adds to the default set)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l hostname -d 'The pod\'s host name (default: the pod\'s name)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -s l -l label -d 'Set metadata on the pod' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l label-file -d 'Read in a line delimited file of labels' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l infra -d 'Create an infra container for the pod (false: its containers share no namespace)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l pod-id-file -d 'Write the pod ID to the file' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l add-host -d 'Add a custom host-to-IP mapping (host:ip)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l dns -d 'Set custom DNS servers' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l dns-search -d 'Set custom DNS search domains' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l dns-option -d 'Set DNS options' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l shm-size -d 'Size of the pod\'s shared /dev/shm (e.g. 128m)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l device -d 'Add a host device to the pod\'s containers' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l network -d 'Connect the pod to a network ("bridge" by default, "none", "host" or a network name)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -s m -l memory -d 'Memory limit for the pod\'s containers' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l cpus -d 'Number of CPUs for the pod\'s containers' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l exit-policy -d 'What happens when the last container exits ("continue" or "stop")' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l replace -d 'If a pod with the same name exists, replace it'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -l no-hosts -d 'Do not create /etc/hosts for the pod: its containers keep their image\'s'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -s f -l filter -d 'Filter output based on conditions given (name=, id=, label=, status=)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -l format -d 'Pretty-print pods using a Go template' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -s q -l quiet -d 'Only display pod IDs'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -l no-trunc -d 'Do not truncate the output'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ps" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter output based on conditions given (name=, id=, label=, status=)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -l format -d 'Pretty-print pods using a Go template' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only display pod IDs'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Do not truncate the output'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -s f -l filter -d 'Filter output based on conditions given (name=, id=, label=, status=)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -l format -d 'Pretty-print pods using a Go template' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only display pod IDs'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -l no-trunc -d 'Do not truncate the output'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Format the output using the given Go template' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from inspect" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from inspect" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from inspect" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from inspect" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from inspect" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from top" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from top" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from top" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from top" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from top" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from top" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from top" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from logs" -l tail -d 'Number of lines to show from the end of the logs' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from logs" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from logs" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from logs" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from logs" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from logs" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from logs" -s f -l follow -d 'Follow log output'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from logs" -s t -l timestamps -d 'Show timestamps'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from logs" -s n -l names -d 'Prefix lines with the container\'s name instead of its id'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from logs" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from logs" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from start" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from start" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from start" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from start" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from start" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from start" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from stop" -s t -l time -d 'Seconds to wait before killing the containers' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from stop" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from stop" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from stop" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from stop" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from stop" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from stop" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from restart" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from restart" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from restart" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from restart" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from restart" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from restart" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from kill" -s s -l signal -d 'Signal to send' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from kill" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from kill" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from kill" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from kill" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from kill" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from kill" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from kill" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from pause" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from pause" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from pause" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from pause" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from pause" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from pause" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from unpause" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from unpause" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from unpause" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from unpause" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from unpause" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from unpause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from unpause" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from rm" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from rm" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from rm" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from rm" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from rm" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from rm" -s f -l force -d 'Stop and remove running containers too'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from prune" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from prune" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from prune" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from prune" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from prune" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from exists" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from exists" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from exists" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from exists" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from exists" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from exists" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand pod; and __fish_seen_subcommand_from exists" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -s f -l file -d 'Compose configuration files' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -s p -l project-name -d 'Project name' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -l project-directory -d 'Specify an alternate working directory (default: the path of the first compose file)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -l env-file -d 'Specify an alternate environment file' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -l profile -d 'Specify a profile to enable' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -l ansi -d 'Control when to print ANSI control characters ("never"|"always"|"auto")' -r -f -a "never\t''
always\t''
auto\t''"
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -l progress -d 'Set type of progress output (auto, tty, plain, json, quiet)' -r -f -a "auto\t''
tty\t''
plain\t''
json\t''
quiet\t''"
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -l parallel -d 'Control max parallelism, -1 for unlimited (accepted; berth works service level by level)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "config" -d 'Parse, resolve and render compose file in canonical format'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "up" -d 'Create and start containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "down" -d 'Stop and remove containers, networks'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "ps" -d 'List containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "logs" -d 'View output from containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "exec" -d 'Execute a command in a running container'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "run" -d 'Run a one-off command on a service'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "start" -d 'Start services'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "stop" -d 'Stop services'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "restart" -d 'Restart service containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "rm" -d 'Removes stopped service containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "kill" -d 'Force stop service containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "pause" -d 'Pause services'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "unpause" -d 'Unpause services'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "top" -d 'Display the running processes'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "port" -d 'Print the public port for a port binding'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "images" -d 'List images used by the created containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "pull" -d 'Pull service images'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "create" -d 'Creates containers for a service'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "ls" -d 'List running compose projects'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "build" -d 'Build or rebuild services'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "push" -d 'Push service images'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "version" -d 'Show the Docker Compose version information'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "wait" -d 'Block until containers of all (or specified) services stop'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "stats" -d 'Display a live stream of container(s) resource usage statistics'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "cp" -d 'Copy files/folders between a service container and the local filesystem'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "attach" -d 'Attach local standard input, output, and error streams to a service\'s running container'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "events" -d 'Receive real time events from containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and not __fish_seen_subcommand_from config up down ps logs exec run start stop restart rm kill pause unpause top port images pull create ls build push version wait stats cp attach events scale" -f -a "scale" -d 'Scale services'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -l format -d 'Format the output. Values: [yaml | json]' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -s o -l output -d 'Save to file (default to stdout)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -l services -d 'Print the service names, one per line'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -l volumes -d 'Print the volume names, one per line'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -s q -l quiet -d 'Only validate the configuration, don\'t print anything'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -l images -d 'Print the image names, one per line'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -l networks -d 'Print the network names, one per line'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from config" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l exit-code-from -d 'Return the exit code of the selected service container (implies --abort-on-container-exit)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l wait-timeout -d 'Maximum duration in seconds to wait for the project to be running|healthy' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l scale -d 'Scale SERVICE to NUM instances' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l pull -d 'Pull image before running ("always"|"missing"|"never")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -s t -l timeout -d 'Use this timeout in seconds for container shutdown when attached or when containers are already running' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -s d -l detach -d 'Detached mode: Run containers in the background'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l no-deps -d 'Don\'t start linked services'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l force-recreate -d 'Recreate containers even if their configuration and image haven\'t changed'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l no-recreate -d 'If containers already exist, don\'t recreate them'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l remove-orphans -d 'Remove containers for services not defined in the Compose file'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l abort-on-container-exit -d 'Stops all containers if any container was stopped'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l wait -d 'Wait for services to be running|healthy (implies detached mode)'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l build -d 'Build images before starting containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l no-build -d 'Don\'t build an image, even if it\'s policy'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l no-start -d 'Create containers without starting them'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l quiet-pull -d 'Pull without printing progress information'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l no-color -d 'Produce monochrome output'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -l no-log-prefix -d 'Don\'t print prefix in logs'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from up" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from down" -s t -l timeout -d 'Specify a shutdown timeout in seconds' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from down" -l rmi -d 'Remove images used by services. "local" remove only images that don\'t have a custom tag ("local"|"all")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from down" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from down" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from down" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from down" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from down" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from down" -s v -l volumes -d 'Remove named volumes declared in the "volumes" section of the Compose file'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from down" -l remove-orphans -d 'Remove containers for services not defined in the Compose file'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from down" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from down" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -l format -d 'Format output using a custom template: \'table\', \'table TEMPLATE\', \'json\', \'TEMPLATE\'' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -l status -d 'Filter services by status. Values: [paused | restarting | removing | running | dead | created | exited]' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -l filter -d 'Filter services by a property (supported filters: status)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -s a -l all -d 'Show all stopped containers (including those created by the run command)'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -s q -l quiet -d 'Only display IDs'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -l services -d 'Display services'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -l no-trunc -d 'Don\'t truncate output'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ps" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -s n -l tail -d 'Number of lines to show from the end of the logs for each container' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -l since -d 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -l until -d 'Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -l index -d 'index of the container if service has multiple replicas' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -s f -l follow -d 'Follow log output'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -s t -l timestamps -d 'Show timestamps'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -l no-color -d 'Produce monochrome output'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -l no-log-prefix -d 'Don\'t print prefix in logs'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from logs" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -s u -l user -d 'Run the command as this user' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -s w -l workdir -d 'Path to workdir directory for this command' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -s e -l env -d 'Set environment variables' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -l index -d 'Index of the container if service has multiple replicas' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -s d -l detach -d 'Detached mode: Run command in the background'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -s T -l no-TTY -d 'Disable pseudo-TTY allocation. By default `docker compose exec` allocates a TTY'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -l privileged -d 'Give extended privileges to the process'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from exec" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s e -l env -d 'Set environment variables' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -l entrypoint -d 'Override the entrypoint of the image' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -l name -d 'Assign a name to the container' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s u -l user -d 'Run as specified username or uid' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s w -l workdir -d 'Working directory inside the container' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s p -l publish -d 'Publish a container\'s port(s) to the host' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s v -l volume -d 'Bind mount a volume' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s l -l label -d 'Add or override a label' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -l pull -d 'Pull image before running ("always"|"missing"|"never")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s d -l detach -d 'Run container in background and print container ID'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -l rm -d 'Automatically remove the container when it exits'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -l no-deps -d 'Don\'t start linked services'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s T -l no-TTY -d 'Disable pseudo-TTY allocation (default: auto-detected)'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -l service-ports -d 'Run command with all service\'s ports enabled and mapped to the host'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -l build -d 'Build image before starting container'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s i -l interactive -d 'Keep STDIN open even if not attached (berth\'s default: a run is interactive)'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -l quiet-pull -d 'Pull without printing progress information'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from run" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from start" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from start" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from start" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from start" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from start" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from start" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stop" -s t -l timeout -d 'Specify a shutdown timeout in seconds' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stop" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stop" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stop" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stop" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stop" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stop" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from restart" -s t -l timeout -d 'Specify a shutdown timeout in seconds' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from restart" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from restart" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from restart" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from restart" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from restart" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from restart" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from restart" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from rm" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from rm" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from rm" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from rm" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from rm" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from rm" -s f -l force -d 'Don\'t ask to confirm removal'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from rm" -s s -l stop -d 'Stop the containers, if required, before removing'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from rm" -s v -l volumes -d 'Remove any anonymous volumes attached to containers'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from kill" -s s -l signal -d 'SIGNAL to send to the container' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from kill" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from kill" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from kill" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from kill" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from kill" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from kill" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from kill" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pause" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pause" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pause" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pause" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pause" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pause" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from unpause" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from unpause" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from unpause" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from unpause" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from unpause" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from unpause" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from unpause" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from top" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from top" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from top" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from top" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from top" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from top" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from top" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from port" -l index -d 'Index of the container if service has multiple replicas' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from port" -l protocol -d 'tcp or udp' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from port" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from port" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from port" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from port" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from port" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from port" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from port" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from images" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from images" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from images" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from images" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from images" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from images" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from images" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pull" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pull" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pull" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pull" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pull" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pull" -s q -l quiet -d 'Pull without printing progress information'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pull" -l ignore-pull-failures -d 'Pull what it can and ignores images with pull failures'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pull" -l include-deps -d 'Also pull services declared as dependencies'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pull" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from pull" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from create" -l pull -d 'Pull image before running ("always"|"missing"|"never")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from create" -l scale -d 'Scale SERVICE to NUM instances' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from create" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from create" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from create" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from create" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from create" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from create" -l force-recreate -d 'Recreate containers even if their configuration and image haven\'t changed'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from create" -l no-recreate -d 'If containers already exist, don\'t recreate them'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from create" -l remove-orphans -d 'Remove containers for services not defined in the Compose file'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ls" -l format -d 'Format the output. Values: [table | json]' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ls" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ls" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ls" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ls" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ls" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ls" -s a -l all -d 'Show all stopped Compose projects'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only display project names'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from build" -l build-arg -d 'Set build-time variables for services' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from build" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from build" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from build" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from build" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from build" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from build" -l no-cache -d 'Do not use cache when building the image'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from build" -l pull -d 'Always attempt to pull a newer version of the image'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from build" -s q -l quiet -d 'Don\'t print anything to STDOUT'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from build" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from push" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from push" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from push" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from push" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from push" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from push" -l ignore-push-failures -d 'Push what it can and ignore images that fail'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from push" -s q -l quiet -d 'Push without printing progress information'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from push" -l include-deps -d 'Also push images of services declared as dependencies'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from push" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from push" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from version" -s f -l format -d 'Format the output. Values: [pretty | json]' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from version" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from version" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from version" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from version" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from version" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from version" -l short -d 'Shows only Compose\'s version number'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from version" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from version" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from wait" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from wait" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from wait" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from wait" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from wait" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from wait" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from wait" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stats" -l format -d 'Format output using a custom template' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stats" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stats" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stats" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stats" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stats" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stats" -s a -l all -d 'Show all containers (default shows just running)'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stats" -l no-stream -d 'Disable streaming stats and only pull the first result'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stats" -l no-trunc -d 'Do not truncate output'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from stats" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from cp" -l index -d 'Index of the container if service has multiple replicas' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from cp" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from cp" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from cp" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from cp" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from cp" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from cp" -s a -l archive -d 'Archive mode (copy all uid/gid information)'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from cp" -s L -l follow-link -d 'Always follow symbol link in SRC_PATH'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from cp" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from cp" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from attach" -l detach-keys -d 'Override the key sequence for detaching from a container' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from attach" -l index -d 'Index of the container if service has multiple replicas' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from attach" -l sig-proxy -d 'Proxy all received signals to the process' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from attach" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from attach" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from attach" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from attach" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from attach" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from attach" -l no-stdin -d 'Do not attach STDIN'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from attach" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from attach" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from events" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from events" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from events" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from events" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from events" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from events" -l json -d 'Output events as a stream of json objects'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from events" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from events" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from scale" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from scale" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from scale" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from scale" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from scale" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from scale" -l no-deps -d 'Don\'t start linked services'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from scale" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand compose; and __fish_seen_subcommand_from scale" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand build" -s t -l tag -d 'Name and optionally a tag in the "name:tag" format' -r
complete -c berth -n "__fish_berth_using_subcommand build" -s f -l file -d 'Name of the Dockerfile (default: "PATH/Dockerfile"; "-" reads it from stdin)' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l build-arg -d 'Set build-time variables' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l label -d 'Set metadata for an image' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l target -d 'Set the target build stage to build' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l iidfile -d 'Write the image ID to the file' -r -F
complete -c berth -n "__fish_berth_using_subcommand build" -l network -d 'Set the networking mode for the RUN instructions during build (default, none, host)' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l add-host -d 'Add a custom host-to-IP mapping ("host:ip")' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l secret -d 'Secret to expose to the build ("id=mysecret,src=/local/secret")' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l progress -d 'Set type of progress output ("auto", "plain", "tty", "quiet")' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l platform -d 'Set target platform for build (berth builds for the host\'s only)' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l step-timeout -d 'Kill a RUN step that runs longer than this ("10m", "90s"; default: [build] step_timeout)' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l package-mirror -d 'Package mirror for RUN steps ("debian=http://mirror/debian"; keys debian, debian-security, ubuntu, alpine), over [build.package_mirrors]' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l source-date-epoch -d 'Clamp every timestamp of the image to this Unix time (default: $SOURCE_DATE_EPOCH)' -r
complete -c berth -n "__fish_berth_using_subcommand build" -s o -l output -d 'Output destination: "type=image[,compression=gzip|zstd]" (berth stores the image; built layers are compressed with gzip unless zstd is asked for)' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand build" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand build" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand build" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand build" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand build" -s q -l quiet -d 'Suppress the build output and print image ID on success'
complete -c berth -n "__fish_berth_using_subcommand build" -l no-cache -d 'Do not use cache when building the image'
complete -c berth -n "__fish_berth_using_subcommand build" -l pull -d 'Always attempt to pull all referenced images'
complete -c berth -n "__fish_berth_using_subcommand build" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand build" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune build" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune build" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune build" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune build" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune build" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune build" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune build" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune build" -f -a "prune" -d 'Remove build cache'
complete -c berth -n "__fish_berth_using_subcommand builder; and not __fish_seen_subcommand_from prune build" -f -a "build" -d 'Build an image from a Dockerfile'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove all unused build cache, not just the cached steps (also RUN --mount=type=cache dirs)'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -s t -l tag -d 'Name and optionally a tag in the "name:tag" format' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -s f -l file -d 'Name of the Dockerfile (default: "PATH/Dockerfile"; "-" reads it from stdin)' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -l build-arg -d 'Set build-time variables' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -l label -d 'Set metadata for an image' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -l target -d 'Set the target build stage to build' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -l iidfile -d 'Write the image ID to the file' -r -F
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -l network -d 'Set the networking mode for the RUN instructions during build (default, none, host)' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -l add-host -d 'Add a custom host-to-IP mapping ("host:ip")' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -l secret -d 'Secret to expose to the build ("id=mysecret,src=/local/secret")' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -l progress -d 'Set type of progress output ("auto", "plain", "tty", "quiet")' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -l platform -d 'Set target platform for build (berth builds for the host\'s only)' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -l step-timeout -d 'Kill a RUN step that runs longer than this ("10m", "90s"; default: [build] step_timeout)' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -l package-mirror -d 'Package mirror for RUN steps ("debian=http://mirror/debian"; keys debian, debian-security, ubuntu, alpine), over [build.package_mirrors]' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -l source-date-epoch -d 'Clamp every timestamp of the image to this Unix time (default: $SOURCE_DATE_EPOCH)' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -s o -l output -d 'Output destination: "type=image[,compression=gzip|zstd]" (berth stores the image; built layers are compressed with gzip unless zstd is asked for)' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -s q -l quiet -d 'Suppress the build output and print image ID on success'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -l no-cache -d 'Do not use cache when building the image'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -l pull -d 'Always attempt to pull all referenced images'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand builder; and __fish_seen_subcommand_from build" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand buildx; and not __fish_seen_subcommand_from build prune" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand buildx; and not __fish_seen_subcommand_from build prune" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand buildx; and not __fish_seen_subcommand_from build prune" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand buildx; and not __fish_seen_subcommand_from build prune" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and not __fish_seen_subcommand_from build prune" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and not __fish_seen_subcommand_from build prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand buildx; and not __fish_seen_subcommand_from build prune" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand buildx; and not __fish_seen_subcommand_from build prune" -f -a "build" -d 'Start a build'
complete -c berth -n "__fish_berth_using_subcommand buildx; and not __fish_seen_subcommand_from build prune" -f -a "prune" -d 'Remove build cache'
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -s t -l tag -d 'Name and optionally a tag in the "name:tag" format' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -s f -l file -d 'Name of the Dockerfile (default: "PATH/Dockerfile"; "-" reads it from stdin)' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l build-arg -d 'Set build-time variables' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l label -d 'Set metadata for an image' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l target -d 'Set the target build stage to build' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l iidfile -d 'Write the image ID to the file' -r -F
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l network -d 'Set the networking mode for the RUN instructions during build (default, none, host)' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l add-host -d 'Add a custom host-to-IP mapping ("host:ip")' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l secret -d 'Secret to expose to the build ("id=mysecret,src=/local/secret")' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l progress -d 'Set type of progress output ("auto", "plain", "tty", "quiet")' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l platform -d 'Set target platform for build (berth builds for the host\'s only)' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l step-timeout -d 'Kill a RUN step that runs longer than this ("10m", "90s"; default: [build] step_timeout)' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l package-mirror -d 'Package mirror for RUN steps ("debian=http://mirror/debian"; keys debian, debian-security, ubuntu, alpine), over [build.package_mirrors]' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l source-date-epoch -d 'Clamp every timestamp of the image to this Unix time (default: $SOURCE_DATE_EPOCH)' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -s o -l output -d 'Output destination: "type=image[,compression=gzip|zstd]" (berth stores the image; built layers are compressed with gzip unless zstd is asked for)' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -s q -l quiet -d 'Suppress the build output and print image ID on success'
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l no-cache -d 'Do not use cache when building the image'
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -l pull -d 'Always attempt to pull all referenced images'
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from build" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from prune" -l root -d 'Persistent storage root (images, layers, containers)' -r -F
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from prune" -l run-root -d 'Volatile state directory (pids, locks, mounts)' -r -F
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from prune" -l config -d 'Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)' -r -F
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from prune" -s D -l debug -d 'Show debug output (which endpoint served what, and why one failed)' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from prune" -l log-level -d 'Set the logging level ("debug", "info", "warn", "error")' -r
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove all unused build cache, not just the cached steps (also RUN --mount=type=cache dirs)'
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand buildx; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
