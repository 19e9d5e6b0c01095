/**
 * `rtnl completion bash`: a completion script for bash, printed to stdout
 * (`source <(rtnl completion bash)`, or saved under
 * /usr/share/bash-completion/completions/rtnl). It completes the global
 * options, the objects, each object's commands, link kinds after `type`,
 * namespace names after `-n` / `netns`, file names after `plan`, `apply`
 * and `destroy`, and device names after `dev`, `master`, `link`, `iif`, `oif` and the
 * show/set/delete commands of `link` — the devices asked of rtnl itself
 * (`rtnl -n NS -br link show`), so inside the namespace `-n` names.
 */
import { LINK_KINDS } from '../../wire.js';
import { type Args, isHelp } from '../args.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';

/** An object of the command and its commands (run.ts OBJECTS, in ip's table order, which decides abbreviations). */
export interface CompletedObject {
  readonly name: string;
  readonly commands: readonly string[];
  /** It takes a FILE (plan, apply, destroy): file names are offered beside its commands, anywhere after it. */
  readonly files?: boolean;
}

/** A bash case pattern for each object: every abbreviation that picks it (the first in table order wins, as ip's matches()). */
function patterns(objects: readonly CompletedObject[]): Map<string, string> {
  const claimed = new Set<string>();
  const out = new Map<string, string>();
  for (const { name: object } of objects) {
    const mine: string[] = [];
    for (let n = 1; n <= object.length; n++) {
      const p = object.slice(0, n);
      if (!claimed.has(p)) {
        claimed.add(p);
        mine.push(p);
      }
    }
    out.set(object, mine.join('|'));
  }
  return out;
}

const OPTIONS = ['-netns', '-details', '-json', '-pretty', '-brief', '-oneline', '-statistics', '-4', '-6', '-compressvlans', '-color', '-batch', '-force', '-Version', '-help'];

/** The script; `command` is the name it completes (rtnl). */
export function bashCompletion(objects: readonly CompletedObject[], command = 'rtnl'): string {
  const fn = `_${command.replace(/[^A-Za-z0-9_]/g, '_')}_complete`;
  const pat = patterns(objects);
  const cases = objects.map((o) => `            ${pat.get(o.name)}) words_="${o.commands.join(' ')}"${o.files ? ' files_=1' : ''} ;;`).join('\n');
  // A FILE object's options (its commands but help) and file names, wherever they stand after it.
  const fileCases = objects
    .filter((o) => o.files)
    .map((o) => `        ${pat.get(o.name)})\n            COMPREPLY=($(compgen -W "${o.commands.filter((c) => c !== 'help').join(' ')}" -- "$cur") $(compgen -f -- "$cur")) ;;`)
    .join('\n');
  const kinds = Object.keys(LINK_KINDS.kinds).sort().join(' ');
  return `# bash completion for ${command} (${command} completion bash)
# The devices of the namespace -n names (asked of ${command} itself), and the named namespaces.
${fn}_devices() {
    ${command} \${netns:+-n "$netns"} -br link show 2>/dev/null | sed 's/[@ ].*//'
}
${fn}_namespaces() {
    ls /run/netns 2>/dev/null
}
${fn}() {
    local cur prev words_ files_="" object="" netns="" i w
    cur="\${COMP_WORDS[COMP_CWORD]}"
    prev="\${COMP_WORDS[COMP_CWORD-1]}"
    # The object is the first word that is not an option (or an option's value).
    for ((i = 1; i < COMP_CWORD; i++)); do
        w="\${COMP_WORDS[i]}"
        case "$w" in
            -n|-netns|--netns) netns="\${COMP_WORDS[i+1]}"; ((i++)) ;;
            -b|-batch|--batch) ((i++)) ;;
            -*) ;;
            *) object="$w"; break ;;
        esac
    done
    case "$prev" in
        -n|-netns|--netns|netns)
            # \`netns\` after a link's name (link set … netns NS); not the netns object itself.
            if [[ "$prev" != netns || "$object" != @(${pat.get('netns')}) ]]; then
                COMPREPLY=($(compgen -W "$(${fn}_namespaces)" -- "$cur")); return
            fi ;;
        -b|-batch|--batch) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        type) COMPREPLY=($(compgen -W "${kinds}" -- "$cur")); return ;;
        dev|master|link|peer|name|iif|oif)
            if [[ "$prev" != name && "$prev" != peer ]]; then
                COMPREPLY=($(compgen -W "$(${fn}_devices)" -- "$cur")); return
            fi ;;
    esac
    if [[ -z "$object" ]]; then
        if [[ "$cur" == -* ]]; then
            COMPREPLY=($(compgen -W "${OPTIONS.join(' ')}" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "${objects.map((o) => o.name).join(' ')}" -- "$cur"))
        fi
        return
    fi
    # The object's command, right after the object (abbreviations as ip takes them).
    if [[ "\${COMP_WORDS[i]}" == "$object" && $((i + 1)) -eq $COMP_CWORD ]]; then
        case "$object" in
${cases}
            *) words_="" ;;
        esac
        COMPREPLY=($(compgen -W "$words_" -- "$cur") \${files_:+$(compgen -f -- "$cur")})
        return
    fi
    # After the command: link show|set|delete take a device, netns delete|set|pids a namespace, plan|apply|destroy a file.
    case "$object" in
        ${pat.get('link')})
            COMPREPLY=($(compgen -W "dev $(${fn}_devices)" -- "$cur")) ;;
        ${pat.get('netns')})
            COMPREPLY=($(compgen -W "$(${fn}_namespaces)" -- "$cur")) ;;
${fileCases}
    esac
}
complete -F ${fn} ${command}
`;
}

export const COMPLETION_HELP = `Usage: rtnl completion bash
Prints a bash completion script: source <(rtnl completion bash)
`;

/** `rtnl completion SHELL`. */
export async function completionCommand(ctx: Context, args: Args, objects: readonly CompletedObject[]): Promise<number> {
  const shell = args.next();
  if (shell === undefined || isHelp(shell)) {
    (shell === undefined ? ctx.stderr : ctx.stdout)(COMPLETION_HELP);
    return shell === undefined ? 255 : 0;
  }
  if (shell !== 'bash') throw new UsageError(`Shell "${shell}" is not supported: only bash, try "rtnl completion help".`);
  if (!args.done) throw new UsageError(`Unknown argument "${args.next() as string}", try "rtnl completion help".`);
  ctx.stdout(bashCompletion(objects));
  return 0;
}
