// The self-test's smallest plugin: the plugin API alone (.github/workflows/self-test.yml builds
// it for gotify/server releases and loads it into each).
package main

import (
	"github.com/gotify/plugin-api"
)

// GetGotifyPluginInfo returns the plugin's info; the server lists it in GET /plugin.
func GetGotifyPluginInfo() plugin.Info {
	return plugin.Info{
		Name:       "self-test hello",
		ModulePath: "github.com/Flow/plugin-build-action/self-test/hello",
	}
}

// Plugin is one user's instance.
type Plugin struct{}

// Enable implements plugin.Plugin.
func (p *Plugin) Enable() error { return nil }

// Disable implements plugin.Plugin.
func (p *Plugin) Disable() error { return nil }

// NewGotifyPluginInstance creates the instance for a user.
func NewGotifyPluginInstance(ctx plugin.UserContext) plugin.Plugin {
	return &Plugin{}
}

func main() {
	panic("build this with -buildmode=plugin")
}
