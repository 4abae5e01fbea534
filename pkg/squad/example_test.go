package squad_test

import (
	"encoding/json"
	"fmt"
	"log"
	"strings"

	"github.com/bertline/bertline/pkg/squad"
)

func ExampleEvaluateV2() {
	dev := `{"version": "v2.0", "data": [{"title": "Normans", "paragraphs": [{
  "context": "The Normans gave their name to Normandy, a region in France.",
  "qas": [
    {"id": "a", "question": "In what country is Normandy?", "answers": [{"text": "France", "answer_start": 53}]},
    {"id": "b", "question": "Who gave their name to France?", "answers": [], "is_impossible": true}]}]}]}`
	ds, err := squad.Read(strings.NewReader(dev), "dev-v2.0.json", false)
	if err != nil {
		log.Fatal(err)
	}
	preds := map[string]string{"a": "in France", "b": ""}
	r, err := squad.EvaluateV2(ds.Examples, preds, nil, squad.DefaultNAProbThresh)
	if err != nil {
		log.Fatal(err)
	}
	b, _ := json.Marshal(r)
	fmt.Println(string(b))
	fmt.Println(squad.Normalize("The “Normans”,  an  army!"))
	// Output:
	// {"exact":50.0,"f1":83.33333333333333,"total":2,"HasAns_exact":0.0,"HasAns_f1":66.66666666666666,"HasAns_total":1,"NoAns_exact":100.0,"NoAns_f1":100.0,"NoAns_total":1}
	// “normans” army
}
