# The same key as a bearer token: Exa accepts Authorization: Bearer as an alternative header.
curl --fail-with-body --silent --show-error --max-time 30 \
  --request POST "${EXA_BASE_URL:-https://api.exa.ai}/answer" \
  --header "Authorization: Bearer ${EXA_API_KEY:?set EXA_API_KEY first}" \
  --header "Content-Type: application/json" \
  --data '{"query": "What is an error budget?"}'
