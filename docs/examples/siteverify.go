// Go, standard library only. Redeem the token the widget put in the form, once, from your backend.
package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
)

type siteverifyResult struct {
	Success    bool     `json:"success"`
	Phone      string   `json:"phone"`
	Method     string   `json:"method"`
	RiskLevel  string   `json:"risk_level"`
	ErrorCodes []string `json:"error-codes"`
}

func main() {
	form := url.Values{"secret": {os.Getenv("PROOFLINE_SECRET")}, "response": {os.Getenv("TOKEN")}}
	answer, err := http.Post(os.Getenv("PROOFLINE_URL")+"/v1/siteverify",
		"application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		panic(err)
	}
	defer answer.Body.Close()
	var result siteverifyResult
	if err := json.NewDecoder(answer.Body).Decode(&result); err != nil {
		panic(err)
	}
	if !result.Success {
		fmt.Fprintln(os.Stderr, "not verified:", strings.Join(result.ErrorCodes, ", "))
		os.Exit(1)
	}
	fmt.Printf("verified %s by %s, risk %s\n", result.Phone, result.Method, result.RiskLevel)
}
