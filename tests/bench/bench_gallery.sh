#!/usr/bin/env bash
# Gallery HTTP benchmark with wrk (Debian package wrk): /gallery/list over 1,000 images, a 1 MiB
# image, and 16 MiB uploads. Prints the figures; docs/performance.md records them.
#   tests/bench/bench_gallery.sh BUILD_DIR [DURATION_S]
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [DURATION_S]}
dur=${2:-10}
daemon="$build/daemon/zipcatcherd"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 77; }
[[ -x $daemon ]] || { echo "no $daemon; build zipcatcherd first"; exit 1; }

dir=$(mktemp -d /tmp/zcbench-XXXXXX)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
token=bench-token-0123456789abcdefghij
printf '[observer]\nlatitude = 51.4779\n' >"$dir/zc.conf"
chmod 600 "$dir/zc.conf"

# 1,000 images with sidecars, spread over 12 months, plus one 1 MiB image.
python3 - "$dir/state/gallery" <<'PY'
import json, os, sys
root = sys.argv[1]
png = b"\x89PNG\r\n\x1a\n"
for i in range(1000):
    d = os.path.join(root, "2025", f"{i % 12 + 1:02}")
    os.makedirs(d, exist_ok=True)
    stem = f"2025{i % 12 + 1:02}01_{i // 60 % 24:02}{i % 60:02}00_F{i}"
    open(os.path.join(d, stem + ".png"), "wb").write(png + os.urandom(2000))
    json.dump({"flight_id": f"F{i}", "aircraft_type": "A320", "target": ["sun", "moon"][i % 2],
               "caption": f"transit {i}", "equipment": "Seestar S50", "observer_lat": "51.4779",
               "observer_lon": "-0.0015", "timestamp": f"2025-{i % 12 + 1:02}-01T00:{i % 60:02}:00.000Z"},
              open(os.path.join(d, stem + ".json"), "w"), indent=2)
open(os.path.join(root, "2025", "01", "20250101_000000_BIG.png"), "wb").write(png + os.urandom((1 << 20) - 8))
PY

root_flag=()  # zipcatcherd refuses to run as root unless told
[[ $(id -u) -eq 0 ]] && root_flag=(--allow-root)
"$daemon" "${root_flag[@]}" --foreground --config "$dir/zc.conf" --socket "$dir/c.sock" \
    --paths.state_dir "$dir/state" --paths.log_dir "$dir/log" --http.bind "127.0.0.1:$port" \
    --http.access_log "$dir/log/access.log" --gallery.auth_token "$token" \
    --log.level warn 2>"$dir/daemon.err" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/gallery/list" -o /dev/null && break; sleep 0.1; done
n=$(curl -s "http://127.0.0.1:$port/gallery/list" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
echo "== gallery: $n images listed; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
figures() { grep -E 'Requests/sec|Transfer/sec|50%|90%|99%|Non-2xx|Socket errors'; }

# A browser (and the gallery page's fetch) sends Accept-Encoding: gzip; wrk sends none unless
# told, so the list is measured both ways.
gz=$(curl -s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/gallery/list" | wc -c)
plain=$(curl -s "http://127.0.0.1:$port/gallery/list" | wc -c)
for c in 32 8; do
    echo "== GET /gallery/list gzip (1,000 images, $gz bytes), wrk -t2 -c$c -d${dur}s"
    wrk -t2 -c"$c" -d"${dur}s" --latency -H 'Accept-Encoding: gzip' \
        "http://127.0.0.1:$port/gallery/list" | figures
done
echo "== GET /gallery/list identity ($plain bytes), wrk -t2 -c32 -d${dur}s"
wrk -t2 -c32 -d"${dur}s" --latency "http://127.0.0.1:$port/gallery/list" | figures
echo "== load average after the list runs: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== GET 1 MiB image"
wrk -t2 -c16 -d"${dur}s" --latency "http://127.0.0.1:$port/static/gallery/2025/01/20250101_000000_BIG.png" |
    figures

# 16 MiB uploads (just under the limit with the multipart envelope), sequential and 4 at once.
python3 - "$dir/up.body" <<'PY'
import os, sys
b = b"----zcbench"
data = b"\x89PNG\r\n\x1a\n" + os.urandom((16 << 20) - 8 - 400)
body = b"--" + b + b'\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n\r\n' + data + b"\r\n--" + b + b"--\r\n"
open(sys.argv[1], "wb").write(body)
PY
echo "== POST /gallery/upload, 16 MiB body ($(stat -c %s "$dir/up.body") bytes), 20 sequential"
start=$(date +%s.%N)
for _ in $(seq 20); do
    curl -sf -o /dev/null -H "Authorization: Bearer $token" \
        -H "Content-Type: multipart/form-data; boundary=----zcbench" --data-binary @"$dir/up.body" \
        "http://127.0.0.1:$port/gallery/upload"
done
end=$(date +%s.%N)
python3 -c "t=$end-$start; print(f'  {20/t:.1f} uploads/s, {20*16/t:.0f} MiB/s, {t/20*1000:.0f} ms each')"
echo "== 4 concurrent x 5 uploads"
start=$(date +%s.%N)
uploaders=()
for _ in 1 2 3 4; do
    (for _ in $(seq 5); do curl -sf -o /dev/null -H "Authorization: Bearer $token" \
        -H "Content-Type: multipart/form-data; boundary=----zcbench" --data-binary @"$dir/up.body" \
        "http://127.0.0.1:$port/gallery/upload"; done) &
    uploaders+=($!)
done
wait "${uploaders[@]}"
end=$(date +%s.%N)
python3 -c "t=$end-$start; print(f'  {20/t:.1f} uploads/s, {20*16/t:.0f} MiB/s')"
echo "== daemon RSS: $(ps -o rss= -p "$pid") KiB"
