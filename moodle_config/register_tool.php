<?php
// Pix LTI — registers the Pix LTI tool in Moodle as a site-level LTI 1.3 external tool, without the web UI.
//
// Copy this file into the Moodle code base as admin/cli/pix_lti_register.php (any directory two levels below
// the Moodle root works: the script requires ../../config.php), then run it with Moodle's own PHP, as the web
// server user:
//
//   sudo -u www-data php admin/cli/pix_lti_register.php --baseurl=https://pix.example.org
//
// Options:
//   --baseurl=URL   public base URL of Pix LTI (required)
//   --name=NAME     tool name shown to teachers (default: "Pix LTI (host of --baseurl)")
//   --pending       leave the tool pending (to activate by hand) instead of active
//   --force         add the tool even if a tool with the same tool URL already exists
//   -h, --help      this help
//
// It builds the same registration request Pix LTI sends during LTI Dynamic Registration, turns it into a
// Moodle tool configuration with Moodle's own mod_lti registration_helper (exactly what Moodle does when the
// tool registers itself), and adds the tool with lti_add_type(). It then prints the values to give Pix LTI,
// as a ready-to-run `pix-lti registration add` command.
//
// Targets Moodle 4.1 to 4.5 (mod_lti with \mod_lti\local\ltiopenid\registration_helper::get(); the static
// API of 3.10–4.0 is used when get() is absent). Run against a real Moodle 4.3.0 by tests/moodle/; 4.1 and
// 4.5 were not tried: try it on a test site first.

define('CLI_SCRIPT', true);

require(__DIR__ . '/../../config.php');
require_once($CFG->libdir . '/clilib.php');
require_once($CFG->dirroot . '/mod/lti/locallib.php');

use mod_lti\local\ltiopenid\registration_helper;

list($options, $unrecognized) = cli_get_params(
    ['baseurl' => '', 'name' => '', 'pending' => false, 'force' => false, 'help' => false],
    ['h' => 'help']
);
if ($unrecognized) {
    cli_error('Option(s) inconnue(s) / unknown option(s): ' . implode(', ', $unrecognized));
}
if ($options['help'] || empty($options['baseurl'])) {
    echo "Usage: php admin/cli/pix_lti_register.php --baseurl=https://pix.example.org [--name=\"Pix LTI\"] "
        . "[--pending] [--force]\n";
    exit($options['help'] ? 0 : 2);
}

$base = rtrim(trim($options['baseurl']), '/');
$parts = parse_url($base);
if (empty($parts['scheme']) || empty($parts['host']) || !in_array($parts['scheme'], ['http', 'https'])) {
    cli_error("--baseurl doit être une adresse absolue (https://...) / must be an absolute URL: {$base}");
}
if ($parts['scheme'] !== 'https' && !in_array($parts['host'], ['localhost', '127.0.0.1'])) {
    cli_error("--baseurl doit être en HTTPS / must use HTTPS: {$base}");
}
$domain = $parts['host'] . (isset($parts['port']) ? ':' . $parts['port'] : '');
// The same default name as dynamic registration: several Pix LTI instances on one Moodle can be told apart.
if (trim($options['name']) === '') {
    $options['name'] = 'Pix LTI (' . preg_replace('/^www\./i', '', $domain) . ')';
}
$launch = $base . '/lti/launch';

if (!$options['force'] && $DB->record_exists('lti_types', ['baseurl' => $launch])) {
    cli_error("Un outil avec l'URL {$launch} existe déjà (Gérer les outils). Utilisez --force pour en ajouter un autre.");
}

// The registration Pix LTI sends itself (lti_tool/dynreg/payload.py); keep both in step.
$payload = [
    'application_type' => 'web',
    'response_types' => ['id_token'],
    'grant_types' => ['implicit', 'client_credentials'],
    'initiate_login_uri' => $base . '/lti/login',
    'redirect_uris' => [$launch],
    'client_name' => $options['name'],
    'jwks_uri' => $base . '/lti/jwks',
    'token_endpoint_auth_method' => 'private_key_jwt',
    'scope' => implode(' ', [
        'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
        'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
        'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
        'https://purl.imsglobal.org/spec/lti-ags/scope/score',
        'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
    ]),
    'https://purl.imsglobal.org/spec/lti-tool-configuration' => [
        'domain' => $domain,
        'description' => 'Tests de positionnement CRCN (compétences numériques) adaptatifs, niveaux et profils.',
        'target_link_uri' => $launch,
        'custom_parameters' => ['context_history' => '$Context.id.history'],
        'claims' => ['iss', 'sub', 'name', 'given_name', 'family_name'],
        'messages' => [
            ['type' => 'LtiResourceLinkRequest', 'target_link_uri' => $launch],
            ['type' => 'LtiDeepLinkingRequest', 'target_link_uri' => $launch],
        ],
    ],
];

$helper = method_exists(registration_helper::class, 'get') ? registration_helper::get() : null;
$clientid = $helper ? $helper->new_clientid() : random_string(15);
try {
    $config = $helper ? $helper->registration_to_config($payload, $clientid)
                      : registration_helper::registration_to_config($payload, $clientid);
} catch (\mod_lti\local\ltiopenid\registration_exception $e) {
    cli_error('Moodle refuse la configuration / Moodle refused the configuration: ' . $e->getMessage());
}
// Visible in the activity chooser, like a tool an administrator adds by hand.
$config->lti_coursevisible = LTI_COURSEVISIBLE_ACTIVITYCHOOSER;

$type = new stdClass();
$type->state = $options['pending'] ? LTI_TOOL_STATE_PENDING : LTI_TOOL_STATE_CONFIGURED;
$type->ltiversion = LTI_VERSION_1P3;
$type->clientid = $clientid;
$typeid = lti_add_type($type, clone $config);
if (!$typeid) {
    cli_error("L'outil n'a pas pu être ajouté / the tool could not be added.");
}

$issuer = $CFG->wwwroot;
$state = $options['pending'] ? 'en attente (à activer dans Gérer les outils)' : 'actif';
echo "Outil « {$options['name']} » ajouté (id {$typeid}, {$state}).\n";
echo "Tool added (id {$typeid}).\n\n";
echo "ID de la plateforme / Platform ID : {$issuer}\n";
echo "ID client / Client ID             : {$clientid}\n";
echo "ID de déploiement / Deployment ID : {$typeid}\n\n";
echo "Sur le serveur Pix LTI / on the Pix LTI server:\n";
echo "  pix-lti registration add --issuer '{$issuer}' --client-id '{$clientid}' --deployment-id '{$typeid}' \\\n";
echo "    --auth-login-url '{$issuer}/mod/lti/auth.php' --auth-token-url '{$issuer}/mod/lti/token.php' \\\n";
echo "    --keyset-url '{$issuer}/mod/lti/certs.php'\n";
exit(0);
