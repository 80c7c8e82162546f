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
nokeys() { sed '/-----BEGIN [A-Z ]*PRIVATE KEY-----/,/-----END [A-Z ]*PRIVATE KEY-----/d'; }
unquote() { sed -e 's/^["'\'']//' -e 's/["'\'';]*$//'; }

# alive COMMS PIDFILE...: a pid file names a live, non-zombie process whose comm is one of COMMS
# (a stale pid file can name a recycled pid of another program)
alive() {
  comms=$1
  shift
  for pf in "$@"; do
    pid=$(cat "$pf" 2>/dev/null) || continue
    [ -n "$pid" ] && [ -d "/proc/$pid" ] || continue
    grep -q '^[0-9]* ([^)]*) Z' "/proc/$pid/stat" 2>/dev/null && continue
    comm=$(cat "/proc/$pid/comm" 2>/dev/null)
    case " $comms " in *" $comm "*) return 0 ;; esac
  done
  return 1
}

# include patterns of one config file (nginx: include x;  apache: Include/IncludeOptional x)
includes() {
  case "$1" in
    nginx) awk '$1=="include"{print $2}' "$2" | unquote ;;
    apache) awk 'tolower($1)=="include"||tolower($1)=="includeoptional"{print $2}' "$2" | unquote ;;
  esac
}

# collect KIND ROOT MAIN: print MAIN and every file it includes (paths without spaces)
collect() {
  kind=$1 root=$2 todo=$3 seen=' ' n=0
  sec main "$kind $3"; end
  while [ -n "$todo" ]; do
    set -- $todo
    f=$1
    shift
    todo="$*"
    case "$seen" in *" $f "*) continue ;; esac
    seen="$seen$f "
    n=$((n + 1))
    [ "$n" -gt 400 ] && break
    [ -f "$f" ] && [ -r "$f" ] || continue
    sec "conf" "$kind $f"
    nokeys <"$f"
    end
    CONFS="$CONFS $kind:$f"
    for pat in $(includes "$kind" "$f"); do
      case "$pat" in /*) ;; *) pat="$root/$pat" ;; esac
      [ -d "$pat" ] && pat="$pat/*"
      for g in $pat; do [ -f "$g" ] && todo="$todo $g"; done
    done
  done
}

# absolute path of a referenced file: relative paths resolve against the server's root
absolute() {
  case "$2" in /*) printf '%s\n' "$2" ;; *) printf '%s/%s\n' "$1" "$2" ;; esac
}

# every certificate/key/chain path a config file references
refs() {
  kind=${1%%:*} f=${1#*:}
  case "$kind" in
    nginx)
      awk '$1=="ssl_certificate"||$1=="ssl_certificate_key"||$1=="ssl_trusted_certificate"{print $2}' "$f" |
        unquote | grep -v '\$' | while read -r p; do absolute "$NGINX_ROOT" "$p"; done
      ;;
    apache)
      awk 'tolower($1)~/^sslcertificate(key|chain)?file$/{print $2}' "$f" |
        unquote | while read -r p; do absolute "$APACHE_ROOT" "$p"; done
      ;;
    haproxy)
      base=$(awk '$1=="crt-base"{print $2}' "$f" | unquote | tail -n 1)
      awk '$1=="bind"{for(i=2;i<NF;i++) if($i=="crt"||$i=="ca-file") print $(i+1)}' "$f" |
        unquote | while read -r p; do absolute "${base:-/etc/haproxy}" "$p"; done
      ;;
    tomcat)
      grep -o 'certificate\(Key\|Chain\)\{0,1\}File="[^"]*"' "$f" | sed 's/^[^"]*"//; s/"$//' |
        while read -r p; do absolute "${f%/conf/server.xml}" "$p"; done
      ;;
  esac
}

# stat, certificates and derived public key of one referenced file
emit_file() {
  p=$1
  sec stat "$p"
  stat -c '%a %U %G %F' "$p" 2>/dev/null || echo missing
  end
  [ -f "$p" ] || return 0
  if [ ! -r "$p" ]; then sec unreadable "$p"; end; return 0; fi
  if grep -q -e '-----BEGIN CERTIFICATE-----' "$p"; then
    sec certs "$p"
    sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' "$p"
    end
  fi
  if grep -q -e 'PRIVATE KEY-----' "$p"; then
    if ! command -v openssl >/dev/null 2>&1; then
      sec keyerror "$p"; echo 'openssl not installed'; end
    elif out=$(openssl pkey -in "$p" -pubout -passin pass: 2>&1); then
      sec pubkey "$p"; printf '%s\n' "$out" | nokeys; end
    else
      sec keyerror "$p"; printf '%s\n' "$out" | nokeys | head -n 3; end
    fi
  fi
}

main() {
  sec os-release -
  cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null
  end

  CONFS=''
  NGINX_ROOT=/etc/nginx
  APACHE_ROOT=/etc/apache2
  sec servers -
  if command -v nginx >/dev/null 2>&1; then
    echo 'installed nginx'
    alive nginx /run/nginx.pid /var/run/nginx.pid && echo 'running nginx'
  fi
  if command -v apache2 >/dev/null 2>&1 || command -v httpd >/dev/null 2>&1; then
    echo 'installed apache'
    alive 'apache2 httpd' /run/apache2/apache2.pid /var/run/apache2/apache2.pid /run/httpd/httpd.pid /var/run/httpd.pid &&
      echo 'running apache'
  fi
  if command -v haproxy >/dev/null 2>&1; then
    echo 'installed haproxy'
    alive haproxy /run/haproxy.pid /var/run/haproxy.pid && echo 'running haproxy'
  fi
  TOMCAT_XML=$(ls -d /etc/tomcat*/server.xml /opt/tomcat/conf/server.xml 2>/dev/null | head -n 1)
  if [ -n "$TOMCAT_XML" ]; then
    echo 'installed tomcat'
    alive java /run/tomcat*.pid /var/run/tomcat*.pid /opt/tomcat/temp/tomcat.pid && echo 'running tomcat'
  fi
  end

  if command -v nginx >/dev/null 2>&1; then
    conf=$(nginx -V 2>&1 | sed -n 's/.*--conf-path=\([^ ]*\).*/\1/p')
    conf=${conf:-/etc/nginx/nginx.conf}
    NGINX_ROOT=${conf%/*}
    collect nginx "$NGINX_ROOT" "$conf"
  fi
  if [ -f /etc/apache2/apache2.conf ]; then
    collect apache /etc/apache2 /etc/apache2/apache2.conf
  elif [ -f /etc/httpd/conf/httpd.conf ]; then
    APACHE_ROOT=/etc/httpd
    collect apache /etc/httpd /etc/httpd/conf/httpd.conf
  fi
  [ -f /etc/haproxy/haproxy.cfg ] && collect haproxy /etc/haproxy /etc/haproxy/haproxy.cfg
  [ -n "$TOMCAT_XML" ] && collect tomcat "${TOMCAT_XML%/*}" "$TOMCAT_XML"

  done_paths=' '
  for c in $CONFS; do refs "$c"; done | while read -r p; do
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
