# Check the code the user typed; a wrong code answers "pending" with one attempt fewer.
curl -s "$PROOFLINE_URL/v1/phone/verify-otp" \
  -H "Authorization: Bearer $PROOFLINE_SECRET" -H 'Content-Type: application/json' \
  -d "{\"verification_id\": \"$VERIFICATION_ID\", \"code\": \"$CODE\"}"
