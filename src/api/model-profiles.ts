import { readModelApiKey, type ModelProfile } from '../config/index.js';
import {
  createLanguageModel,
  RuntimeError,
  type ModelResolver,
  type ResolvedModel,
} from '../runtime/index.js';

/**
 * The model resolver the LLM planner uses: the profile by name from the settings (plus any the
 * caller supplied, e.g. the demo's local fake model), its API key read through config/ at that
 * moment, and the AI SDK model built for it. The key is handed to the provider and listed as a
 * secret to scrub from recorded reasons; it is never stored in a run, the database or a log.
 * The built model is reused while the key stays the same (a rotated key builds a new one).
 */
export function modelResolver(
  home: string,
  profiles: Readonly<Record<string, ModelProfile>>,
): ModelResolver {
  const built = new Map<string, { apiKey: string | undefined; resolved: ResolvedModel }>();
  return (profileName) => {
    const profile = Object.prototype.hasOwnProperty.call(profiles, profileName)
      ? profiles[profileName]
      : undefined;
    if (profile === undefined) {
      const known = Object.keys(profiles);
      throw new RuntimeError(
        'model-profile-unknown',
        `no model profile "${profileName}" in the settings (models: ${known.join(', ') || 'none'})`,
      );
    }
    const apiKey = profile.apiKey === undefined ? undefined : readModelApiKey(profile.apiKey, home);
    const cached = built.get(profileName);
    if (cached !== undefined && cached.apiKey === apiKey) return cached.resolved;
    const resolved: ResolvedModel = {
      profileName,
      profile,
      model: createLanguageModel(profile, apiKey),
      secrets: apiKey === undefined ? [] : [apiKey],
    };
    built.set(profileName, { apiKey, resolved });
    return resolved;
  };
}
