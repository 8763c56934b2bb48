// n8n finds the node and credential through the "n8n" section of package.json; this entry point only
// lets the package be required as a whole (for example by tools that inspect it).
module.exports = {
	credentials: {
		falApi: require('./dist/credentials/FalApi.credentials.js'),
	},
	nodes: {
		openRouterAudio: require('./dist/nodes/OpenRouterAudio/OpenRouterAudio.node.js'),
	},
};
