// The self-test's plugin that shares gin (and its whole dependency tree) with the server: its
// go.mod requires an older gin than any recent gotify release, so the action must align the
// module graph before the plugin can load (.github/workflows/self-test.yml checks the change).
package main

import (
	"net/url"

	"github.com/gin-gonic/gin"
	"github.com/gotify/plugin-api"
)

// GetGotifyPluginInfo returns the plugin's info; the server lists it in GET /plugin.
func GetGotifyPluginInfo() plugin.Info {
	return plugin.Info{
		Name:       "self-test gin echo",
		ModulePath: "github.com/Flow/plugin-build-action/self-test/gin-echo",
	}
}

// Plugin is one user's instance: a webhook that echoes its query.
type Plugin struct {
	basePath string
}

// Enable implements plugin.Plugin.
func (p *Plugin) Enable() error { return nil }

// Disable implements plugin.Plugin.
func (p *Plugin) Disable() error { return nil }

// RegisterWebhook implements plugin.Webhooker: the server hands the plugin a gin router group.
func (p *Plugin) RegisterWebhook(basePath string, g *gin.RouterGroup) {
	p.basePath = basePath
	g.GET("/echo", func(c *gin.Context) {
		c.String(200, "echo: %s", c.Query("say"))
	})
}

// GetDisplay implements plugin.Displayer.
func (p *Plugin) GetDisplay(location *url.URL) string {
	return "GET " + p.basePath + "echo?say=... answers what it is told"
}

// NewGotifyPluginInstance creates the instance for a user.
func NewGotifyPluginInstance(ctx plugin.UserContext) plugin.Plugin {
	return &Plugin{}
}

func main() {
	panic("build this with -buildmode=plugin")
}
