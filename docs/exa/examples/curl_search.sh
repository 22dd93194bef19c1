# Search with curl: the key travels in the x-api-key header, read from the environment.
curl --fail-with-body --silent --show-error --max-time 30 \
  --request POST "${EXA_BASE_URL:-https://api.exa.ai}/search" \
  --header "x-api-key: ${EXA_API_KEY:?set EXA_API_KEY first}" \
  --header "Content-Type: application/json" \
  --data '{"query": "blue-green deployment checklist", "numResults": 3, "contents": {"highlights": true}}'
