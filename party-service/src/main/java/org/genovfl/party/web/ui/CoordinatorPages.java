package org.genovfl.party.web.ui;

import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.peer.PeerCallException;
import org.genovfl.party.project.ProjectCatalog;
import org.genovfl.party.project.ProjectService;
import org.genovfl.party.project.ProjectSpec;
import org.genovfl.party.security.AvailableAt;
import org.genovfl.party.training.CoordinatorTraining;
import org.genovfl.party.training.TrainingHistory;
import org.genovfl.party.training.TrainingRunView;
import org.genovfl.vfl.TrainingConfig;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;

/**
 * The coordinator's pages (role COORDINATOR, at the coordinator party): define a project and
 * read each party's count answers, start training with explained hyper-parameters, follow a
 * run live (validation AUC and log-loss per epoch) and read the history of runs. Elsewhere
 * every page is refused before its parameters are bound ({@code AuthorisationBeforeBinding}).
 */
@Controller
@RequestMapping("/ui/coordinator")
@AvailableAt(PartyRole.COORDINATOR)
class CoordinatorPages {

    private final ProjectService projects;
    private final ProjectCatalog catalog;
    private final CoordinatorTraining training;
    private final TrainingHistory history;
    private final PartyProperties properties;

    CoordinatorPages(ProjectService projects, ProjectCatalog catalog, CoordinatorTraining training,
            TrainingHistory history, PartyProperties properties) {
        this.projects = projects;
        this.catalog = catalog;
        this.training = training;
        this.history = history;
        this.properties = properties;
    }

    @GetMapping("/projects")
    String projects(Model model) {
        model.addAttribute("projects", catalog.all());
        return "coordinator/projects";
    }

    @GetMapping("/projects/new")
    String newProject(Model model) {
        return projectForm(model, new ProjectForm(), Map.of());
    }

    @PostMapping("/projects")
    String createProject(@ModelAttribute("form") ProjectForm form, Principal person, Model model) {
        ProjectSpec spec = form.toSpec();
        Map<String, List<String>> errors = new LinkedHashMap<>(form.readingProblems());
        for (String problem : spec.problems()) {
            Map.Entry<String, String> field = ProjectForm.fieldOf(problem);
            errors.computeIfAbsent(field.getKey(), f -> new ArrayList<>()).add(field.getValue());
        }
        if (!errors.isEmpty()) {
            return projectForm(model, form, errors);
        }
        try {
            ProjectService.CreatedProject created = projects.create(spec, person.getName());
            model.addAttribute("created", created);
            model.addAttribute("spec", spec);
            return "coordinator/project-created";
        } catch (PeerCallException e) {
            return projectForm(model, form, Map.of("form", List.of("A party could not register the project: "
                    + e.organisation() + " answered: " + e.problem().getDetail())));
        } catch (IllegalArgumentException e) {
            return projectForm(model, form, Map.of("form", List.of(e.getMessage())));
        }
    }

    private String projectForm(Model model, ProjectForm form, Map<String, List<String>> errors) {
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("hospitals", peers(PartyRole.HOSPITAL));
        model.addAttribute("labs", peers(PartyRole.LAB));
        return "coordinator/project-form";
    }

    private List<String> peers(PartyRole role) {
        return properties.peers().stream().filter(p -> p.role() == role).map(PartyProperties.Peer::organisation).toList();
    }

    @GetMapping("/training")
    String trainingRuns(@RequestParam(required = false) UUID projectId, Model model) {
        TrainingForm form = new TrainingForm();
        form.setProjectId(projectId);
        return trainingPage(model, form, Map.of());
    }

    @PostMapping("/training")
    String startTraining(@ModelAttribute("form") TrainingForm form, Model model) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        UUID psiRunId = null;
        try {
            psiRunId = UUID.fromString(form.getPsiRunId());
        } catch (IllegalArgumentException e) {
            errors.put("psiRunId", List.of("the run id the hospital's admin sees on its PSI page, e.g. 3f2a…"));
        }
        if (form.getProjectId() == null) {
            errors.put("projectId", List.of("choose the project"));
        }
        TrainingConfig config = config(form, errors);
        if (!errors.isEmpty()) {
            return trainingPage(model, form, errors);
        }
        try {
            TrainingRunView run = training.start(form.getProjectId(), psiRunId, config);
            return "redirect:/ui/coordinator/training/" + run.runId();
        } catch (PeerCallException e) {
            errors.put("form", List.of(e.organisation() + " refused the run: " + e.problem().getDetail()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            errors.put("form", List.of(e.getMessage()));
        }
        return trainingPage(model, form, errors);
    }

    /** The form's hyper-parameters as a config; each unreadable or out-of-range value is an error of its field. */
    private static TrainingConfig config(TrainingForm form, Map<String, List<String>> errors) {
        Map<String, Double> numbers = new LinkedHashMap<>();
        for (TrainingForm.Parameter parameter : TrainingForm.PARAMETERS) {
            String text = form.getValues().getOrDefault(parameter.name(), "").trim();
            try {
                numbers.put(parameter.name(), Double.valueOf(text.isEmpty() ? parameter.defaultValue() : text));
            } catch (NumberFormatException e) {
                errors.put(parameter.name(), List.of("a number, e.g. " + parameter.defaultValue()));
            }
        }
        if (!errors.isEmpty()) {
            return null;
        }
        try {
            return new TrainingConfig(numbers.get("seed").longValue(), numbers.get("validationFraction"),
                    numbers.get("batchSize").intValue(), numbers.get("maxEpochs").intValue(),
                    numbers.get("learningRate"), numbers.get("learningRateDecay"), numbers.get("momentum"),
                    numbers.get("l2"), numbers.get("patience").intValue(), numbers.get("minDelta"),
                    numbers.get("sigmoidInterval"), TrainingConfig.StoppingMetric.valueOf(form.getStoppingMetric()));
        } catch (IllegalArgumentException e) {
            errors.put("form", List.of("hyper-parameters: " + e.getMessage()));
            return null;
        }
    }

    private String trainingPage(Model model, TrainingForm form, Map<String, List<String>> errors) {
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("parameters", TrainingForm.PARAMETERS);
        model.addAttribute("projects", catalog.all());
        model.addAttribute("runs", history.latest(50));
        return "coordinator/training";
    }

    @GetMapping("/training/{runId}")
    String trainingRun(@PathVariable UUID runId, Model model) {
        TrainingRunView run = training.find(runId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("run", run);
        return "coordinator/training-run";
    }

    /** What the live page polls: the run's view, the same aggregates the people API returns. */
    @GetMapping("/training/{runId}/progress")
    @ResponseBody
    ResponseEntity<TrainingRunView> progress(@PathVariable UUID runId) {
        return ResponseEntity.of(training.find(runId));
    }
}
