#!/usr/bin/env bash
# tests/cli/repl.sh NXC: types into the nxc REPL through tmux as a person would (an
# expression, a multi-line fn, history recall with the up arrow, a syntax error followed
# by a good line, Ctrl-D) and checks the screen after each step.
set -euo pipefail
nxc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
session=nxc-repl-test-$$
home=$(mktemp -d)
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$home"' EXIT

screen() { tmux capture-pane -p -t "$session" -S -200; }

# Waits until the screen contains the text (fixed string), or fails after 10 s.
expect() {
    for _ in $(seq 100); do
        if screen | grep -qF -- "$1"; then return 0; fi
        sleep 0.1
    done
    echo "repl.sh: expected to see: $1"
    echo "---- screen ----"
    screen
    exit 1
}

type_line() { tmux send-keys -t "$session" -l -- "$1"; tmux send-keys -t "$session" Enter; }

tmux new-session -d -s "$session" -x 120 -y 50 "env HOME=$home TERM=xterm $nxc"
expect "iex(1)>"

type_line 'Nx.iota({2, 2}, names: [:x, :y])'
expect "s32[x: 2][y: 2]"
expect "iex(2)>"

# A multi-line fn: the REPL keeps reading until the expression is complete.
type_line 'add = fn a, b ->'
expect "...(2)>"
type_line '  a + b'
type_line 'end'
expect "iex(3)>"
type_line 'add.(40, 2)'
expect "42"
expect "iex(4)>"

# History: the up arrow brings back the last entry; run it again.
tmux send-keys -t "$session" Up
expect "iex(4)> add.(40, 2)"
tmux send-keys -t "$session" Enter
expect "iex(5)>"
[ "$(screen | grep -c '^42$')" -ge 2 ] || { echo "repl.sh: history recall did not run again"; screen; exit 1; }

# A syntax error is reported and the session goes on.
type_line 'Nx.tensor([1, 2)'
expect "** ("
expect "iex(6)>"
type_line 'Nx.to_flat_list(Nx.tensor([1, 2]))'
expect "[1, 2]"

# Ctrl-D leaves; the history file was written.
tmux send-keys -t "$session" C-d
for _ in $(seq 50); do
    tmux has-session -t "$session" 2>/dev/null || break
    sleep 0.1
done
if tmux has-session -t "$session" 2>/dev/null; then
    echo "repl.sh: nxc did not exit on Ctrl-D"
    screen
    exit 1
fi
grep -qF 'add.(40,' "$home/.nxc_history" || { echo "repl.sh: no history file"; exit 1; }
echo "repl.sh: ok"
