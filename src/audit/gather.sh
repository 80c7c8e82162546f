# certfleet audit: read-only gather script, sent over stdin to `sh -s` (one round trip per host).
# It only reads: os-release, which web servers are installed/running (pid files, never ps: hosts may
# share a PID namespace), the web-server configs (following includes), and for every certificate or
# key path the configs reference: stat, the CERTIFICATE blocks, and the public key derived here with
# `openssl pkey -pubout`. Private-key blocks are deleted from everything printed, so keys never leave
# the host. Output: sections framed by "\n<MARK> BEGIN <kind> <arg>\n" ... "\n<MARK> END\n".
# Everything runs inside main(), called on the last line, so that the shell has read the whole script
# from stdin before any command could consume stdin (main's stdin is /dev/null).
PATH=$PATH:/usr/sbin:/sbin:/usr/local/sbin
LC_ALL=C
export LC_ALL PATH

sec() { printf '\n%s BEGIN %s %s\n' "$MARK" "$1" "$2"; }
end() { printf '\n%s END\n' "$MARK"; }

# Few processes on purpose: a fork costs milliseconds on a loaded host, and an audit of 50 hosts
# should take seconds. Each include level is read by two awk runs, whatever its number of files.

# frame_files KIND FILE...: print each file as a `conf` section, private-key blocks removed
frame_files() {
  k=$1
  shift
  awk -v M="$MARK" -v K="$k" '
    FNR == 1 { if (open) printf "\n%s END\n", M; printf "\n%s BEGIN conf %s %s\n", M, K, FILENAME; open = 1; skip = 0 }
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/ { skip = 1 }
    !skip { print }
    /-----END [A-Z ]*PRIVATE KEY-----/ { skip = 0 }
    END { if (open) printf "\n%s END\n", M }' "$@"
  return 0
}

# include_patterns KIND FILE...: the include arguments (nginx include x;  apache Include/IncludeOptional x)
include_patterns() {
  k=$1
  shift
  awk -v K="$k" '
    (K == "nginx" && $1 == "include") || (K == "apache" && (tolower($1) == "include" || tolower($1) == "includeoptional")) {
      p = $2; gsub(/^["\047]|["\047;]+$/, "", p); print p
    }' "$@"
  return 0
}

# collect KIND ROOT MAIN: print MAIN and every file it includes, level by level (paths without spaces)
collect() {
  kind=$1 root=$2 level=$3 seen=' ' depth=0
  sec main "$kind $3"
  end
  while [ -n "$level" ] && [ "$depth" -lt 10 ]; do
    depth=$((depth + 1))
    files=''
    for f in $level; do
      case "$seen" in *" $f "*) continue ;; esac
      seen="$seen$f "
      [ -f "$f" ] && [ -r "$f" ] && files="$files $f"
    done
    [ -n "$files" ] || break
    CONFS="$CONFS $files"
    eval "CONFS_$kind=\"\${CONFS_$kind} $files\""
    # shellcheck disable=SC2086 # word splitting of the file list is intended
    frame_files "$kind" $files
    level=''
    # shellcheck disable=SC2086
    for pat in $(include_patterns "$kind" $files); do
      case "$pat" in /*) ;; *) pat="$root/$pat" ;; esac
      [ -d "$pat" ] && pat="$pat/*"
      for g in $pat; do [ -f "$g" ] && level="$level $g"; done
    done
  done
}

# refs KIND ROOT FILE...: every certificate/key/chain path the files reference, made absolute
refs() {
  kind=$1 root=$2
  shift 2
  [ "$#" -gt 0 ] || return 0
  awk -v K="$kind" -v R="$root" '
    function out(p, base) { gsub(/^["\047]|["\047;]+$/, "", p); if (p == "" || p ~ /\$/) return; if (p !~ /^\//) p = base "/" p; print p }
    K == "nginx" && ($1 == "ssl_certificate" || $1 == "ssl_certificate_key" || $1 == "ssl_trusted_certificate") { out($2, R) }
    K == "apache" && tolower($1) ~ /^sslcertificate(key|chain)?file$/ { out($2, R) }
    K == "haproxy" && $1 == "crt-base" { base = $2; gsub(/^["\047]|["\047]$/, "", base) }
    K == "haproxy" && $1 == "bind" { for (i = 2; i < NF; i++) if ($i == "crt" || $i == "ca-file") out($(i + 1), base == "" ? R : base) }
    K == "tomcat" {
      line = $0
      while (match(line, /certificate(Key|Chain)?File="[^"]*"/)) {
        v = substr(line, RSTART, RLENGTH); sub(/^[^"]*"/, "", v); sub(/"$/, "", v); out(v, R)
        line = substr(line, RSTART + RLENGTH)
      }
    }' "$@"
}

# emit_file PATH: stat, the CERTIFICATE blocks, and the public key derived from a private key in it
emit_file() {
  p=$1
  sec stat "$p"
  stat -c '%a %U %G %F' "$p" 2>/dev/null || echo missing
  end
  [ -f "$p" ] || return 0
  if [ ! -r "$p" ]; then
    sec unreadable "$p"
    end
    return 0
  fi
  # awk prints the certificate blocks in one frame and exits 10 when it saw a private key
  awk -v M="$MARK" -v P="$p" '
    /-----BEGIN CERTIFICATE-----/ { if (!n++) printf "\n%s BEGIN certs %s\n", M, P; c = 1 }
    c { print }
    /-----END CERTIFICATE-----/ { c = 0 }
    /PRIVATE KEY-----/ { key = 1 }
    END { if (n) printf "\n%s END\n", M; exit key ? 10 : 0 }' "$p"
  [ $? -eq 10 ] || return 0
  if ! command -v openssl >/dev/null 2>&1; then
    sec keyerror "$p"
    echo 'openssl not installed'
    end
  elif out=$(openssl pkey -in "$p" -pubout -passin pass: 2>&1); then
    sec pubkey "$p"
    case "$out" in *PRIVATE*) echo 'refused: output holds a private key' ;; *) printf '%s\n' "$out" ;; esac
    end
  else
    sec keyerror "$p"
    case "$out" in *PRIVATE*) echo 'openssl pkey failed' ;; *) printf '%s\n' "$out" ;; esac
    end
  fi
}

main() {
  sec os-release -
  cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null
  end

  CONFS='' CONFS_nginx='' CONFS_apache='' CONFS_haproxy='' CONFS_tomcat=''
  # ws_detect (written from the web-server adapters, prepended to this script) prints the installed
  # and running servers and sets WS_CFG_<kind> and WS_ROOT_<kind>
  sec servers -
  ws_detect
  end

  for k in nginx apache haproxy tomcat; do
    eval "cfg=\$WS_CFG_$k root=\$WS_ROOT_$k"
    [ -n "$cfg" ] && collect "$k" "$root" "$cfg"
  done

  # shellcheck disable=SC2086 # word splitting of the file lists is intended
  done_paths=' '
  for p in $(
    refs nginx "$WS_ROOT_nginx" $CONFS_nginx
    refs apache "$WS_ROOT_apache" $CONFS_apache
    refs haproxy "$WS_ROOT_haproxy" $CONFS_haproxy
    refs tomcat "$WS_ROOT_tomcat" $CONFS_tomcat
  ); do
    case "$done_paths" in *" $p "*) continue ;; esac
    done_paths="$done_paths$p "
    emit_file "$p"
    if [ -d "$p" ]; then
      for q in "$p"/*; do [ -f "$q" ] && emit_file "$q"; done
    fi
  done
  sec done -
  end
}

main </dev/null
