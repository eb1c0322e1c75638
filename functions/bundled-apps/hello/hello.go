package main

import (
	"encoding/json"
	"net/http"
	"regexp"
	"runtime"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Greeting is the JSON body of GET /hello.
type Greeting struct {
	Message   string `json:"message"`
	Runtime   string `json:"runtime"`
	RequestID string `json:"requestId"`
	Time      string `json:"time"`
}

type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

var validName = regexp.MustCompile(`^[\p{L}][\p{L} .'-]{0,63}$`)

// Hello answers GET /hello[?name=…]: a greeting, or a 400 for a name that is not one, or a 405
// for any other method. It never answers an error with a 200.
func Hello(req events.APIGatewayV2HTTPRequest, now time.Time) events.APIGatewayV2HTTPResponse {
	if req.RequestContext.HTTP.Method != "" && req.RequestContext.HTTP.Method != http.MethodGet {
		return errorResponse(http.StatusMethodNotAllowed, "MethodNotAllowed", "only GET /hello")
	}
	name := "world"
	if n, ok := req.QueryStringParameters["name"]; ok {
		if !validName.MatchString(n) {
			return errorResponse(http.StatusBadRequest, "BadRequest", "name is 1 to 64 letters, spaces, dots, apostrophes or hyphens, starting with a letter")
		}
		name = n
	}
	return jsonResponse(http.StatusOK, Greeting{
		Message:   "Hello, " + name + ", from Go",
		Runtime:   runtime.GOOS + "/" + runtime.GOARCH,
		RequestID: req.RequestContext.RequestID,
		Time:      now.UTC().Format(time.RFC3339),
	})
}

func errorResponse(status int, code, message string) events.APIGatewayV2HTTPResponse {
	var body apiError
	body.Error.Code, body.Error.Message = code, message
	return jsonResponse(status, body)
}

func jsonResponse(status int, body any) events.APIGatewayV2HTTPResponse {
	text, err := json.Marshal(body)
	if err != nil {
		return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusInternalServerError, Body: `{"error":{"code":"InternalError","message":"could not encode the response"}}`}
	}
	return events.APIGatewayV2HTTPResponse{
		StatusCode: status,
		Headers:    map[string]string{"content-type": "application/json", "cache-control": "no-store"},
		Body:       string(text),
	}
}
