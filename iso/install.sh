#!/usr/bin/env bash
# Install harvester-netsetup and its boot integration under a root directory:
#   iso/install.sh --root DIR [--python PY] [--with-deps]
# Puts the tool under DIR/usr (console script /usr/bin/harvester-netsetup), the unattended
# oneshot unit (enabled), the console generator and the console launcher.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/.." && pwd)
root="" py=${PYTHON:-python3} deps=--no-deps
while (($#)); do
  case $1 in
    --root) root=$2; shift 2 ;;
    --python) py=$2; shift 2 ;;
    --with-deps) deps=""; shift ;;
    *) echo "usage: $0 --root DIR [--python PY] [--with-deps]" >&2; exit 2 ;;
  esac
done
[ -n "$root" ] || { echo "usage: $0 --root DIR [--python PY] [--with-deps]" >&2; exit 2; }
mkdir -p "$root"
root=$(cd "$root" && pwd)

"$py" -m pip install -q --disable-pip-version-check --no-build-isolation --ignore-installed $deps \
  --root "$root" --prefix /usr --no-warn-script-location "$project"

install -D -m 0644 "$here/systemd/harvester-netsetup.service" "$root/usr/lib/systemd/system/harvester-netsetup.service"
install -D -m 0755 "$here/systemd/harvester-netsetup-generator" "$root/usr/lib/systemd/system-generators/harvester-netsetup-generator"
install -D -m 0755 "$here/console" "$root/usr/libexec/harvester-netsetup/console"
install -D -m 0644 "$project/README.md" "$root/usr/share/doc/harvester-netsetup/README.md"
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf /usr/lib/systemd/system/harvester-netsetup.service "$root/etc/systemd/system/multi-user.target.wants/harvester-netsetup.service"
echo "installed harvester-netsetup under $root"
