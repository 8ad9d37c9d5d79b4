# Free TCP ports for the test clusters (sourced, not run), so that a cluster never binds a fixed port: two
# checkouts, or a user's own Ray or Kubernetes, then never collide with the tests' clusters.
# shellcheck shell=bash

# Ports are drawn below the kernel's ephemeral range (outgoing connections take their local ports from
# there, and one could hold the port between our check and the daemon's bind).
_free_ports_max() {
  local low
  read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=32768
  echo $(( low - 1 ))
}

# free_ports N [SPAN]: prints N distinct bases of SPAN consecutive free ports each (SPAN defaults to 1), one a
# line, drawn at random from 10000 up to the ephemeral range. Nothing holds them: a daemon started right away
# binds them; a collision in between is possible but rare, and shows as that daemon's bind error.
free_ports() {
  local count=$1 span=${2:-1} max picked=() base prior p ok
  max=$(_free_ports_max)
  while (( ${#picked[@]} < count )); do
    base=$(( 10000 + (RANDOM * 32768 + RANDOM) % (max - 10000 - span) ))
    ok=1
    for prior in "${picked[@]}"; do
      (( base + span <= prior || prior + span <= base )) || { ok=0; break; }
    done
    # One ss call for the whole span: any socket whose local port falls inside it.
    (( ok )) && [[ -n "$(ss -Htan "( sport >= :$base and sport < :$(( base + span )) )")" ]] && ok=0
    (( ok )) && picked+=("$base")
  done
  printf '%s\n' "${picked[@]}"
}
