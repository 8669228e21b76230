package views

import (
	"strings"
	"testing"
)

func TestPlugins(t *testing.T) {
	rows := []PluginRow{
		{Kind: "task", Name: "circlepacking", Version: "1.1.0", Protocol: 1, APIVersions: []string{"1.0"}, Path: "/p/asi-task-circlepacking"},
		{Kind: "task", Name: "broken", Path: "/p/asi-task-broken", Rejected: "no handshake"},
	}
	tests := []struct {
		name string
		rows []PluginRow
		json bool
		want string
	}{
		{
			name: "table", rows: rows,
			want: "KIND  NAME           VERSION  PROTOCOL  API  PATH                       STATUS\n" +
				"task  circlepacking  1.1.0    1         1.0  /p/asi-task-circlepacking  ok\n" +
				"task  broken         -        -         -    /p/asi-task-broken         rejected: no handshake\n",
		},
		{
			name: "built-in executors after the plugins",
			rows: append(rows[:1:1], BuiltinExecutorRow("local", "jail", "bubblewrap 0.8.0"), BuiltinExecutorRow("slurm", "jail", "on nodes with bubblewrap")),
			want: "KIND  NAME           VERSION  PROTOCOL  API  PATH                       STATUS\n" +
				"task  circlepacking  1.1.0    1         1.0  /p/asi-task-circlepacking  ok\n" +
				"\nBuilt-in executors on this machine:\n" +
				"NAME   ISOLATION  DETAIL\n" +
				"local  jail       bubblewrap 0.8.0\n" +
				"slurm  jail       on nodes with bubblewrap\n",
		},
		{name: "none", want: "No plugins found. Searched: /a, /b\n"},
		{name: "none as JSON is an empty array", json: true, want: "[]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := (View{W: &b, JSON: tt.json}).Plugins(tt.rows, []string{"/a", "/b"}); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tt.want)
			}
		})
	}
}
