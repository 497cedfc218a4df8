# Numbered install steps that say how long each took (sourced by scripts/install.sh).
#   step "1/3 …"; …; step "2/3 …"; …; finish "done. …"
# A step's line is printed when it starts; its duration when the next one starts, and the total at the end.
_step_started=""
_duration() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
_took() { [ -z "$_step_started" ] || printf '    (took %s)\n' "$(_duration $((SECONDS - _step_started)))"; }
step() { _took; _step_started=$SECONDS; printf '\n==> %s\n' "$*"; }
finish() { _took; _step_started=""; printf '\n==> %s (%s in all)\n' "$*" "$(_duration "$SECONDS")"; }
