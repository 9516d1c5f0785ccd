#!/usr/bin/env bash
# Starts the graph with "npm start" on an empty embedded database, as a new user would,
# signs in as the printed demo user over HTTP, reads the viewer's projects, plays the
# external-sharing scenario against it, and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

data_dir=$(mktemp -d)
log="$data_dir/start.log"
# A session of its own, so that stopping it reaches npm, tsx and node alike.
env -u DATABASE_URL DATA_DIR="$data_dir" PORT=0 setsid npm start >"$log" 2>&1 &
pid=$!
trap 'kill -TERM -- "-$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data_dir"' EXIT

url=''
for _ in $(seq 1 60); do
  url=$(sed -n 's/^Tandem is running at \(http[^ ]*\)$/\1/p' "$log")
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo 'npm start exited before printing its URL.' >&2; exit 1; }
  sleep 1
done
[ -n "$url" ] || { cat "$log"; echo 'npm start printed no URL within 60 seconds.' >&2; exit 1; }

email=$(sed -n 's/^ *\([^ ]*@[^ ]*\)  \/  \([^ ]*\).*$/\1/p' "$log" | head -n 1)
password=$(sed -n 's/^ *\([^ ]*@[^ ]*\)  \/  \([^ ]*\).*$/\2/p' "$log" | head -n 1)

login=$(curl -sf -X POST "$url" -H 'content-type: application/json' \
  -d "{\"query\":\"mutation(\$i: LogInInput!) { logIn(input: \$i) { accessToken } }\",\"variables\":{\"i\":{\"email\":\"$email\",\"password\":\"$password\"}}}")
token=$(node -pe 'JSON.parse(process.argv[1]).data.logIn.accessToken' "$login")

answer=$(curl -sf -X POST "$url" -H 'content-type: application/json' -H "authorization: Bearer $token" \
  -d '{"query":"{ viewer { account { email } currentWorkspace { name projects { name tasks(first: 10) { totalCount } } } } }"}')
echo "$answer"
node -e '
  const { data, errors } = JSON.parse(process.argv[1]);
  if (errors || !data.viewer.currentWorkspace.projects[0].tasks.totalCount) process.exit(1);
' "$answer"
echo "npm start served $url; the demo sign-in and a query through the gateway worked."

# The external-sharing story, played against the same running graph.
MAIL_DIR="$data_dir/mail" npm run --silent scenario -- "$url"
