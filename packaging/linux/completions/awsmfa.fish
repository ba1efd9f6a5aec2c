# fish completion for awsmfa, made by "awsmfa completion fish"; it asks
# awsmfa itself what fits.

function __awsmfa_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    for line in ($tokens[1] __complete $tokens[2..] "$cur" 2>/dev/null)
        if string match -q -- ':command *' $line
            # exec's command line: complete it as a command of its own.
            set -l k (string replace -- ':command ' '' $line)
            complete -C (string join -- ' ' (string escape -- $tokens[(math $k + 1)..]) "$cur")
            return
        end
        printf '%s\n' $line
    end
end

complete -c awsmfa -f -a '(__awsmfa_complete)'
