const { src, dest } = require('gulp');

// tsc only emits JavaScript; n8n also needs the icons and the codex file (*.node.json) beside the compiled files.
function copyIcons() {
	return src(['nodes/**/*.{png,svg,node.json}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(
		dest('dist'),
	);
}

exports['build:icons'] = copyIcons;
exports.default = copyIcons;
